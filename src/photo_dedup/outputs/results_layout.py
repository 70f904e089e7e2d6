"""The results folder's layout: every file the report steps write under `results/`, in one place.

Relative to the working directory (`RESULTS`, as the rules name their files) or absolute
(`ResultsLayout.of(workdir)`). A leaf module, read while Snakemake parses the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

RESULTS_DIR = "results"


@dataclass(frozen=True)
class ResultsLayout:
    root: Path

    @classmethod
    def of(cls, workdir: str | Path) -> ResultsLayout:
        return cls(Path(workdir) / RESULTS_DIR)

    @property
    def groups_csv(self) -> Path:
        return self.root / "groups.csv"

    @property
    def groups_json(self) -> Path:
        """What the later steps read back (shapes.read_report)."""
        return self.root / "groups.json"

    @property
    def unreadable_csv(self) -> Path:
        return self.root / "unreadable.csv"

    @property
    def report_html(self) -> Path:
        return self.root / "report.html"

    @property
    def thumbs(self) -> Path:
        """The page's thumbnails, beside it."""
        return self.root / "thumbs"

    @property
    def deletion_script(self) -> Path:
        return self.root / "delete-duplicates.sh"

    @property
    def distance_plot(self) -> Path:
        return self.root / "pair-distances.png"

    @property
    def photos_csv(self) -> Path:
        return self.root / "apple-photos-duplicates.csv"

    @property
    def photos_script(self) -> Path:
        return self.root / "apple-photos-duplicates.applescript"

    def withdrawn(self) -> list[Path]:
        """What a run that cannot make them anew withdraws, so that an old page and deletion script
        are never taken for the current ones."""
        return [
            self.groups_csv,
            self.groups_json,
            self.unreadable_csv,
            self.report_html,
            self.deletion_script,
            self.photos_csv,
            self.photos_script,
        ]

    def final(self) -> list[Path]:
        """Every file a run makes (the workflow's default target)."""
        files = self.withdrawn()
        return [*files[:5], self.distance_plot, *files[5:]]


RESULTS = ResultsLayout(Path(RESULTS_DIR))
