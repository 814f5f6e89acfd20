"""scikit-learn's estimator checks on EMLRegressor (a fast configuration)."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from emlkit.regress.estimator import EMLRegressor

# Small trees and short training so that each of the ~50 checks fits in well under a second;
# the time limit is only a safety cap (hitting it would make results depend on the clock).
# Pure EML only: the default vocabulary="auto" would add vocabulary searches bounded by time.
FAST = dict(max_depth=2, depth=2, restarts=2, steps=15, time_limit=20.0, random_state=0,
            vocabulary="eml")


@parametrize_with_checks([EMLRegressor(**FAST)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)  # bounded by work (steps, depths); no assertion on the clock


def test_poor_score_tag_is_declared_and_justified():
    # The tag relaxes check_regressors_train's "R^2 > 0.5" on random linear data of 10 features:
    # a pure-EML tree search is not a linear model. Show the tag is really needed (so it is
    # honest), i.e. the fast model does not reach that score there.
    import numpy as np
    from sklearn.utils import get_tags

    assert get_tags(EMLRegressor()).regressor_tags.poor_score
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    y = X @ rng.normal(size=10)
    assert EMLRegressor(**FAST).fit(X, y).score(X, y) < 0.5
