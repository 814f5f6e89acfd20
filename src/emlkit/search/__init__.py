"""Search for EML forms: bottom-up enumeration by K with observational-equivalence dedup,
and a high-precision verifier that classifies each form's validity domain.

>>> from emlkit.search import enumerate_forms
>>> enumerate_forms(5, variables=()).counts
{1: 1, 3: 1, 5: 2}
"""

from __future__ import annotations

from .enumerate import Enumeration, default_points, enumerate_forms
from .recognizer import Candidate, Recognition, recognize

__all__ = ["Enumeration", "enumerate_forms", "default_points", "recognize", "Recognition",
           "Candidate"]
