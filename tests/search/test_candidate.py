"""One candidate record: the recognizer's and regression's candidates share FormulaCandidate."""

from emlkit import parse
from emlkit.regress import Candidate as RegressCandidate
from emlkit.search import Candidate as SearchCandidate
from emlkit.search.candidate import FormulaCandidate


def test_both_candidates_are_the_shared_record():
    e = parse("eml(1, eml(eml(1, x), 1))")  # ln x
    s = SearchCandidate(e, "log(x)", 7, 0.0, 16, True)
    r = RegressCandidate(e, "log(x)", 0.0, True, "search", 16)
    for c in (s, r):
        assert isinstance(c, FormulaCandidate)
        assert c.expr is e and c.formula == "log(x)"
        assert c.rpn == "1 1 x E 1 E E" and c.eml_K == 7
    assert s.K == r.K == 7  # the recognizer's field, regression's property


def test_a_vocabulary_formula_without_eml_form():
    c = SearchCandidate(None, "pi + pi", 3, 0.0, 16)
    assert c.rpn == "" and c.eml_K is None
    assert c.to_dict()["eml"] is None and c.to_dict()["eml_K"] is None
