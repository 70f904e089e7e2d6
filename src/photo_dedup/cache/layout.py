"""The cache folder's layout: every path the steps read and write under `cache/`, in one place.

Relative to the working directory (`CacheLayout(Path(CACHE_DIR))`, as the rules name their files)
or absolute (`CacheLayout.of(workdir)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CACHE_DIR = "cache"


@dataclass(frozen=True)
class CacheLayout:
    root: Path

    @classmethod
    def of(cls, workdir: str | Path) -> CacheLayout:
        return cls(Path(workdir) / CACHE_DIR)

    @property
    def manifests(self) -> Path:
        """The chunks' manifests: the photos each fingerprint job covers (chunks.py)."""
        return self.root / "manifests"

    @property
    def chunks(self) -> Path:
        """The fingerprint jobs' outputs: every sidecar of a chunk, checked (chunk_records.py)."""
        return self.root / "chunks"

    def manifest(self, chunk: str) -> Path:
        return self.manifests / f"{chunk}.jsonl"

    def chunk_file(self, chunk: str) -> Path:
        return self.chunks / f"{chunk}.jsonl"

    @property
    def sidecars(self) -> Path:
        """Per-photo sidecars, under the photo's absolute path (sidecar_store.py)."""
        return self.root / "sidecars"

    @property
    def content(self) -> Path:
        """What depends on the bytes only, under the content digest."""
        return self.root / "content"

    @property
    def verified(self) -> Path:
        """The verify stage's main-image fingerprints, under the content digest (main_images.store)."""
        return self.root / "verified"

    @property
    def verify_lists(self) -> Path:
        """The photos each verify job decodes the main image of (main_images.selection)."""
        return self.root / "verify" / "lists"

    @property
    def verify_results(self) -> Path:
        """The verify jobs' outputs: the listed photos' sidecars, main image decoded (checked chunk files)."""
        return self.root / "verify" / "results"

    @property
    def thumbs(self) -> Path:
        return self.root / "thumbs"

    @property
    def scan(self) -> Path:
        return self.root / "scan.json"

    @property
    def progress_plan(self) -> Path:
        """The chunks this run fingerprints, for the progress lines."""
        return self.root / "progress.json"

    @property
    def last_config(self) -> Path:
        """The configuration of the last run, for a plain rerun and the review page's Rerun."""
        return self.root / "last-config.json"

    @property
    def photos_catalog(self) -> Path:
        return self.root / "apple-photos.json"

    @property
    def pairs(self) -> Path:
        return self.root / "pairs.csv"

    @property
    def companion_digests(self) -> Path:
        return self.root / "companion-digests.json"

    @property
    def exiftool_tags(self) -> Path:
        return self.root / "exiftool-tags.json"
