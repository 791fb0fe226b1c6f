"""The problems found in criteria-set files, and the error that carries them."""

from collections.abc import Iterable
from dataclasses import dataclass

from vandong.core.errors import DomainError, RowError

INVALID_CRITERIA_SET = "invalid_criteria_set"


@dataclass(frozen=True)
class CriteriaProblem:
    file: str
    line: int
    path: str
    message_vi: str
    message_en: str

    def line_text(self) -> str:
        """One line for `vandong criteria check`; a problem of the whole file
        (syntax) has no path."""
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message_vi} / {self.message_en}"


class CriteriaFileError(Exception):
    """Every problem found in one or several criteria-set files."""

    def __init__(self, problems: list[CriteriaProblem]) -> None:
        super().__init__("\n".join(p.line_text() for p in problems))
        self.problems = problems

    def as_domain_error(self) -> DomainError:
        count = len(self.problems)
        return DomainError(
            INVALID_CRITERIA_SET,
            f"Bộ tiêu chí có {count} lỗi",
            f"The criteria set has {count} problem(s)",
            rows=[
                RowError(
                    row=p.line,
                    field=p.path,
                    message_vi=p.message_vi,
                    message_en=p.message_en,
                    sheet=p.file,
                )
                for p in self.problems
            ],
        )


def _cycle_problem(file: str, line: int, codes: list[str]) -> CriteriaProblem:
    chain = " → ".join(codes)
    return CriteriaProblem(
        file,
        line,
        "extends",
        f"“extends” tạo thành vòng: {chain}",
        f"'extends' makes a cycle: {chain}",
    )


def _choices(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values) or "—"
