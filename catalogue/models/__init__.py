"""The framework and the courses that cover it. Reference data: loaded from
`fixtures/`, kept right by admins, read by everyone. One module per concern."""

from .courses import HOURS_PER, Course, Fee, Module, Outcome, Provider
from .coverage import CLOSING, GRADE_DEFINITIONS, Coverage, Grade
from .framework import (
    CODE_PATTERN,
    LEVELS,
    Competency,
    Domain,
    Framework,
    Level,
    Term,
    Wording,
    code_validator,
    level_choices,
)
from .ksf import SECTIONS as KSF_SECTIONS
from .ksf import KsfGroup, KsfMapping

__all__ = [
    "CODE_PATTERN",
    "HOURS_PER",
    "LEVELS",
    "level_choices",
    "Competency",
    "Course",
    "CLOSING",
    "Coverage",
    "GRADE_DEFINITIONS",
    "Grade",
    "Domain",
    "Fee",
    "Framework",
    "KSF_SECTIONS",
    "KsfGroup",
    "KsfMapping",
    "Level",
    "Module",
    "Outcome",
    "Provider",
    "Term",
    "Wording",
    "code_validator",
]
