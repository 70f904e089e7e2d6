"""A small generated photo library with known duplicate groups, for the tests.

Real photographs from scikit-image, copies of the kinds a real library holds,
look-alikes that must stay apart, broken files and hostile file names.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from photo_dedup.demo import real_photos, variants

HOSTILE_NAMES = [
    'it\'s a "quote".jpg',
    "$(touch PWNED).jpg",
    "`touch PWNED2`.jpg",
    "new\nline.jpg",
    "-leading-dash.jpg",
    "café über 東京.jpg",
    "br{ace}s and spaces.jpg",
    "<img src=x onerror=alert(1)>.jpg",
]


@dataclass
class GeneratedLibrary:
    root: Path
    groups: dict[str, set[Path]] = field(default_factory=dict)  # original name -> every copy incl. itself
    lookalikes: list[tuple[Path, Path]] = field(default_factory=list)  # (photo, its look-alike)
    broken: set[Path] = field(default_factory=set)
    singles: set[Path] = field(default_factory=set)

    def all_photos(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def moved_to(self, root: Path) -> GeneratedLibrary:
        """The same library described at another root."""

        def there(path: Path) -> Path:
            return root / path.relative_to(self.root)

        return GeneratedLibrary(
            root,
            groups={name: {there(p) for p in copies} for name, copies in self.groups.items()},
            lookalikes=[(there(a), there(b)) for a, b in self.lookalikes],
            broken={there(p) for p in self.broken},
            singles={there(p) for p in self.singles},
        )


_BUILT: list[GeneratedLibrary] = []  # the library made once in this test process, copied for each caller


def build_library(root: Path) -> GeneratedLibrary:
    """The generated library at `root` (a new folder): made once per test process, then copied.

    The copy keeps every file's bytes and modification time, and its symbolic links point where the
    made one's do, inside `root` (a dangling link and a loop, as made).
    """
    if not _BUILT:
        made_in = tempfile.mkdtemp(prefix="photo-dedup-library-")
        atexit.register(shutil.rmtree, made_in, ignore_errors=True)
        _BUILT.append(make_library(Path(made_in) / "library"))
    made = _BUILT[0]
    shutil.copytree(made.root, root, symlinks=True, dirs_exist_ok=True)
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            link = Path(folder, name)
            if link.is_symlink() and Path(os.readlink(link)).is_relative_to(made.root):
                target = root / Path(os.readlink(link)).relative_to(made.root)
                link.unlink()
                link.symlink_to(target)
    return made.moved_to(root)


def make_library(root: Path) -> GeneratedLibrary:
    """Write the library's photos under `root` (see build_library, which most tests want)."""
    lib = GeneratedLibrary(root)
    photos = real_photos()
    originals = root / "Masters"

    def add(name: str, path: Path) -> None:
        lib.groups.setdefault(name, set()).add(path)

    astronaut = photos["astronaut"]
    add("astronaut", variants.save_original(astronaut, originals / "astronaut.jpg"))
    add("astronaut", variants.byte_copy(originals / "astronaut.jpg", root / "Apple" / "IMG_0001.jpg"))
    add("astronaut", variants.recompressed(astronaut, root / "Takeout" / "astronaut.jpg", quality=72))
    add("astronaut", variants.resized(astronaut, root / "Exports" / "astronaut-small.jpg", long_side=300))
    add("astronaut", variants.converted(astronaut, root / "Exports" / "astronaut.png"))

    chelsea = photos["chelsea"]
    add("chelsea", variants.save_original(chelsea, originals / "chelsea.jpg"))
    add("chelsea", variants.rotated_with_exif(chelsea, root / "Phone" / "chelsea-rotated.jpg", orientation=6))
    add("chelsea", variants.converted(chelsea, root / "Phone" / "chelsea.heic"))
    add("chelsea", variants.converted(chelsea, root / "Exports" / "chelsea.tif"))
    # a light adjust (8 % brighter and more saturated): a copy; autocontrast on this low-contrast
    # photo would change its tones beyond one (+35 % brightness: an edit, see tone_strength)
    add("chelsea", variants.auto_adjusted(chelsea, root / "Edits" / "chelsea-auto.jpg", autocontrast=False))

    coffee = photos["coffee"]
    add("coffee", variants.save_original(coffee, originals / "coffee.jpg"))
    add("coffee", variants.converted(coffee, root / "Exports" / "coffee.webp"))
    lib.lookalikes.append(
        (originals / "coffee.jpg", variants.black_and_white(coffee, root / "Edits" / "coffee-bw.jpg"))
    )

    rocket = photos["rocket"]
    add("rocket", variants.save_original(rocket, originals / "rocket.jpg"))
    for name in HOSTILE_NAMES:
        add("rocket", variants.byte_copy(originals / "rocket.jpg", root / "Hostile" / name))
    lib.lookalikes.append((originals / "rocket.jpg", variants.cropped(rocket, root / "Edits" / "rocket-crop.jpg")))

    motorcycle = photos["motorcycle"]
    lib.singles.add(variants.save_original(motorcycle, originals / "motorcycle.jpg"))
    lib.lookalikes.append(
        (
            originals / "motorcycle.jpg",
            variants.burst_neighbour(motorcycle, originals / "motorcycle-burst.jpg", shift=0.04, seed=3),
        )
    )
    for name in ("hubble",):
        lib.singles.add(variants.save_original(photos[name], originals / f"{name}.jpg"))

    # A Live Photo (photo + video of the same name) and its re-imported copy with its own video.
    retina = photos["retina"]
    add("retina", variants.save_original(retina, root / "Phone" / "IMG_0100.jpg"))
    (root / "Phone" / "IMG_0100.MOV").write_bytes(b"live photo video of the original")
    add("retina", variants.recompressed(retina, root / "Takeout" / "IMG_0100.jpg", quality=75))
    (root / "Takeout" / "IMG_0100.MOV").write_bytes(b"live photo video of the copy")
    # A RAW and the camera's JPEG of one shot.
    ihc = photos["ihc"]
    add("ihc", variants.save_original(ihc, root / "Camera" / "IMG_0200.JPG"))
    add("ihc", variants.camera_raw(ihc, root / "Camera" / "IMG_0200.DNG"))

    broken = root / "Broken"
    broken.mkdir()
    jpeg = (originals / "hubble.jpg").read_bytes()
    (broken / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 4])
    (broken / "empty.jpg").write_bytes(b"")
    (broken / "text.jpg").write_text("not a photo\n")
    heic = (root / "Phone" / "chelsea.heic").read_bytes()
    (broken / "corrupt.heic").write_bytes(heic[:200] + bytes(len(heic) - 200))
    lib.broken = {broken / n for n in ("truncated.jpg", "empty.jpg", "text.jpg", "corrupt.heic")}
    (broken / "dangling.jpg").symlink_to(root / "does-not-exist.jpg")
    (broken / "loop.jpg").symlink_to(broken / "loop.jpg")
    (root / ".hidden").mkdir()
    variants.byte_copy(originals / "astronaut.jpg", root / ".hidden" / "astronaut.jpg")
    (root / "Phone" / "clip.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    return lib
