"""Hand labels of the real-world corpus (benchmarks/real_world.py): which public files show one photo.

Every file was looked at, as thumbnails on contact sheets grouped by a rough picture correlation (all
eight quarter turns and mirrors tried) and by name, and again side by side where the sheets left a
doubt. The workflow's output was never used to label.

How a file is named: `<repo>:<path>`, `<repo>` a key of REPOS, `<path>` the file's path in that
repository at REPOS' commit (or at COMMIT_OF's, for files the repository has since removed). The
benchmark extracts each with `git --git-dir=<mirror> show <commit>:<path>`; no photo is kept here.

The model: a *copy set* (SETS) is a list of files that show one picture: byte copies, re-encodes (any
quality, chroma subsampling, bit depth, progressive or not), resizes and thumbnails, format and colour
space conversions (RGB/CMYK/Lab/P3/Rec.2020/palette with 256 colours), files differing only in
metadata (EXIF, XMP, IPTC, ICC, gain maps), and orientation-tag variants whose displayed picture is
upright. The first file of a set is its original (the source the others were made from), judged by:
camera EXIF, the larger or lossless file, the repository's naming (`flower.jpg` beside
`flower.webp`, `example.jpg` beside its `.gif`/`.bmp` thumbnails, a name holding `copy`, `(1)`,
`_thumbnail`); a set in NO_ORIGINAL has no evidence for one (parallel encodes of a source that is not
in the corpus).

A *shot* (SHOTS) lists copy sets that are versions of one exposure, the original version first: a
file of the first set and a file of another set are an **edit**; files of two other sets of one shot
are two edits of one photo (**edit-edit**: the edit tier is right for them, and no tier is wrong).
Edits are: crops (a square centre crop is an edit, its resizes copies of one another), mirrors, pixel
rotations (also an orientation tag that displays the picture turned), black and white, any tone or
colour change a person sees at thumbnail size (30 % more contrast, swapped channels, another palette,
a fade to transparent), text or marks drawn on, padding, pasted or rolled regions, emboss and spread
effects.

Rules for the modes of one picture (Pillow's hopper comes in many):
- a colour picture and its greyscale (L, LA, an 8-bit grey TIFF, a grey JPEG) are edits (black and
  white); greys of 8 or 4 bits (16 levels) are copies of one another; 2 bits (4 levels, posterised) and
  1 bit (dithered or thresholded) are edits of the grey and of the colour picture;
- a 256-colour palette (GIF, P-mode PNG/BMP) and 15-bit colour (bgr15) are copies of the colour picture;
- an alpha channel that is opaque everywhere is a copy; a visible transparency (libjxl's faded
  `*_alpha.png`, `flower_small.rgba.png`) is an edit: a page or viewer shows the picture washed out;
- a light sharpening (Pillow's DETAIL filter: enhanced_hopper) counts as a copy, like a light auto-adjust.

A *scene* (SCENES) lists copy sets that are other exposures of one moment or subject taken to be
culled: bursts and retakes (one camera, moments apart): every pair across them is **similar**.

LOOKALIKES lists pairs of sets that are *different photos that look alike* (hard negatives): they are
unrelated, like every pair not covered above, and are only named to be reported.

Left out as not photos: icons, logos, charts, screenshots, text renders, gradients, synthetic test
patterns, noise, depth maps, drawings; also pictures under 96 pixels a side (64 px test crops) except
zPug_3.heic, which the earlier 30-file check had. A few photos were left out as undecidable at sight:
libavif's weld_sato_12B_8B_q0.avif (a 16-bit sample transform that decodes dark), sofa with reversed
grid order, hopper-XYZ.png (XYZ values shown as RGB), hopper_bad_exif.jpg, Pillow's transformed and
masked hopper.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple


class Repo(NamedTuple):
    name: str  # owner/name on GitHub
    commit: str
    licence: str  # the licence of its test images, as the repository states it


REPOS = {
    "pillow": Repo(
        "python-pillow/Pillow",
        "4e5f09f533dbd0d87d39951f48b62f4d1a421cba",
        "MIT-CMU (HPND), LICENSE; hopper is a US Navy photograph of Grace Hopper (public domain)",
    ),
    "photoprism": Repo(
        "photoprism/photoprism",
        "382ffa89927f9fa2aca6ab83481177e0d81dd405",
        "AGPL-3.0, LICENSE; example photos from Unsplash and PhotoPrism's authors, see NOTICE",
    ),
    "pillow_heif": Repo(
        "bigcat88/pillow_heif",
        "657f27d7955bbd730701e2e966e7e8751e119eb9",
        "BSD-3-Clause, LICENSE.txt (the project's test images, its author's photos)",
    ),
    "libavif": Repo(
        "AOMediaCodec/libavif",
        "092276ce89098ead06db80975173191e5fee1826",
        "BSD-2-Clause, LICENSE; tests/data/README.md gives each file's licence (same as libavif; Kodak "
        "images free to use)",
    ),
    "libvips": Repo(
        "libvips/libvips", "29fd12021b279dee0d22223e11686f7d61dcd541", "LGPL-2.1, LICENSE (test-suite images)"
    ),
    "libwebp": Repo(
        "webmproject/libwebp-test-data",
        "05cd58b26e61385abd851aae60d26b6e3a769479",
        "BSD-3-Clause, as libwebp (the repository has no licence file of its own)",
    ),
    "libjxl": Repo(
        "libjxl/testdata", "73695d303670c90e4d506ea89d9901b081385089", "CC-BY-4.0, LICENSE (external/: see its READMEs)"
    ),
    "libjpeg_turbo": Repo(
        "libjpeg-turbo/libjpeg-turbo",
        "8a99315babe7fe946bef539c125f26b9e6aad8ab",
        "IJG and BSD-3-Clause, LICENSE.md (testimages/)",
    ),
    "libheif": Repo(
        "strukturag/libheif",
        "9f31998e0f426eeec9ece938baabe6fbf858e042",
        "LGPL-3.0 library, MIT examples, COPYING (examples/)",
    ),
}

# Files the repository has since removed or renamed: key -> the commit that holds them.
_PUG = "71b13bcf2fac9bc7ca984639172174a0b2faed56"
COMMIT_OF = {
    "pillow_heif:tests/images/Pug/PUG1__prof.heic": _PUG,
    "pillow_heif:tests/images/Pug/PUG2__prof.heic": _PUG,
    "pillow_heif:tests/images/Pug/PUG3__none.heic": _PUG,
    "pillow_heif:tests/images/arrow__prof.heic": _PUG,
    "pillow_heif:tests/images/iPhoneXR.heic": _PUG,
    "pillow_heif:tests/images/lego__prof.heic": _PUG,
    "pillow_heif:tests/images/parfait.heic": _PUG,
    "pillow_heif:tests/images/nokia/bothie/bothie_1440x960.heic": _PUG,
    "pillow_heif:tests/images/nokia/stereo/stereo_1200x800.heic": _PUG,
    "pillow_heif:tests/images/nokia/burst/rally_burst.heic": _PUG,
    **{
        f"pillow_heif:tests/images/nokia/still/{name}_1440x960.heic": _PUG
        for name in ("autumn", "cheers", "crowd", "old_bridge", "ski_jump", "spring", "summer", "surfer", "winter")
    },
    "pillow_heif:tests/images/heif_other/pug.heic": "fbba42106392ff4c7aeda9cb577b55debc939eab",
    "pillow_heif:tests/images/jpeg_gif_png/pug.jpeg": "8ce13d8f0f58e402e1e4afa92b605fbb1edcd53d",
    "pillow_heif:tests/images/jpeg_gif_png/pug_90_flipped.jpeg": "af5d884ec67843f62d6c70d60885718559700ea8",
    **{f"pillow_heif:tests/images/pug_2_{n}.heic": "63c5465ec6ab9a9a206ea3d5a461b3580d3dd13e" for n in (0, 1, 3)},
    "pillow_heif:tests/images/pug_1_0.heic": "63c5465ec6ab9a9a206ea3d5a461b3580d3dd13e",
    "libvips:assets/images/tn_watermark.jpg": "1c6de32d04ec97bf95846bbdf0c4ec43d11b4494",
    "libvips:assets/images/circles1.jpg": "1c6de32d04ec97bf95846bbdf0c4ec43d11b4494",
}


def _in(repo: str, folder: str, *names: str) -> list[str]:
    return [f"{repo}:{folder}/{name}" for name in names]


_PT = "pillow:Tests/images"
_PD = "pillow:docs"
_PP = "photoprism"
_FACE = "photoprism:internal/ai/face/testdata"
_NSFW = "photoprism:internal/ai/nsfw/testdata"
_META = "photoprism:internal/meta/testdata"
_PPT = "photoprism:internal/photoprism/testdata"
_CROP = "photoprism:internal/thumb/crop/testdata/b/c/c/bccfeaa526a36e19b555fd4ca5e8f767d5604289"
_AV = "libavif:tests/data"
_FOX = "libavif:android_jni/avifandroidjni/src/androidTest/assets/avif/fox.profile"
_VT = "libvips:test/test-suite/images"
_JF = "libjxl:jxl/flower"
_LJ = "libjpeg_turbo:testimages"
_NOKIA = "pillow_heif:tests/images/nokia/still"

# Copy sets: name -> files, the original first.
SETS: dict[str, list[str]] = {
    # --- Pillow: hopper (128 x 128 colour), its modes and its edits -------------------------------
    "hopper": [
        # hopper.jpg first: hopper.png's pixels hold its quantisation (median distance 0.03 to its
        # steps' multiples, 0.25 for unrelated pictures; benchmarks/jpeg_ancestry.py), so the PNG was
        # made from it (labelled hopper.png before that measurement)
        f"{_PT}/hopper.jpg",
        f"{_PT}/hopper.png",
        *_in("pillow", "Tests/images", "hopper.tif", "hopper.bmp", "hopper.webp", "hopper.gif"),
        *_in("pillow", "Tests/images", "hopper.iccprofile.tif", "hopper.iccprofile_binary.tif", "hopper.Lab.tif"),
        *_in("pillow", "Tests/images", "hopper_16bit_qtables.jpg", "hopper_bigtiff.tif", "hopper_jpg.tif"),
        *_in("pillow", "Tests/images", "hopper_float_dpi_2.tif", "hopper_float_dpi_3.tif", "hopper_float_dpi_None.tif"),
        *_in("pillow", "Tests/images", "hopper_idat_after_image_end.png", "hopper_lzma.tif", "hopper_lzw.tif"),
        *_in("pillow", "Tests/images", "hopper_rle8.bmp", "hopper_rle8_row_overflow.bmp", "hopper_webp.png"),
        *_in("pillow", "Tests/images", "hopper_zero_comment_subblocks.gif", "hopper_resized.gif", "bgr15.png"),
        *_in("pillow", "Tests/images/avif", "hopper.avif", "hopper.heif", "hopper-missing-pixi.avif"),
        f"{_PT}/avif/hopper_avif_write.png",
        *[f"{_PT}/hopper_orientation_{n}.{ext}" for n in range(2, 9) for ext in ("jpg", "webp")],
        *_in("pillow", "docs/example", "image_thumbnail.webp", "imageops_contain.webp", "imageops_cover.webp"),
        f"{_PD}/handbook/enhanced_hopper.webp",  # ImageFilter.DETAIL: a light sharpening
    ],
    "hopper grey": [
        # the JPEG first: 8bit.s.tif holds hopper_gray.jpg's quantisation (0.02), so it was made from
        # that JPEG (or from hopper.jpg, whose table it shares); labelled 8bit.s.tif before
        f"{_PT}/hopper_gray.jpg",
        f"{_PT}/8bit.s.tif",
        f"{_PT}/hopper_gray_4bpp.tif",
        *[f"{_PT}/tiff_gray_2_4_bpp/hopper4{v}.tif" for v in ("", "I", "IR", "R")],
    ],
    "hopper grey 2-bit": [f"{_PT}/tiff_gray_2_4_bpp/hopper2{v}.tif" for v in ("", "I", "IR", "R")],
    "hopper 1-bit dithered": [f"{_PT}/hopper_g4.tif"],
    "hopper 1-bit 500": [f"{_PT}/hopper_bw_500.png", f"{_PT}/hopper_g4_500.tif"],
    "hopper spread": [f"{_PT}/effect_spread.png"],
    "hopper wal palette": [f"{_PT}/hopper_wal.png"],
    "hopper 45 degrees": [f"{_PT}/hopper_45.png"],
    "hopper emboss": [f"{_PT}/hopper_emboss.bmp"],
    "hopper emboss more": [f"{_PT}/hopper_emboss_more.bmp"],
    **{f"hopper pad {hv} {n}": [f"{_PT}/imageops_pad_{hv}_{n}.jpg"] for hv in "hv" for n in range(3)},
    "hopper pad 100x150": [f"{_PD}/example/imageops_pad.webp"],
    "hopper fit 100x150": [f"{_PD}/example/imageops_fit.webp"],
    "hopper contrast": [f"{_PD}/handbook/contrasted_hopper.jpg"],
    "hopper mirrored": [f"{_PD}/handbook/flip_left_right_hopper.webp"],
    "hopper flipped": [f"{_PD}/handbook/flip_top_bottom_hopper.webp"],
    "hopper merged twice": [f"{_PD}/handbook/merged_hopper.webp"],
    "hopper pasted": [f"{_PD}/handbook/pasted_hopper.webp"],
    "hopper channels swapped": [f"{_PD}/handbook/rebanded_hopper.webp"],
    "hopper rolled": [f"{_PD}/handbook/rolled_hopper.webp"],
    **{f"hopper turned {a}": [f"{_PD}/handbook/rotated_hopper_{a}.webp"] for a in (90, 180, 270)},
    # --- Pillow: other photos ---------------------------------------------------------------------
    "pillow flower": [
        f"{_PT}/flower.jpg",
        f"{_PT}/flower.webp",
        f"{_PT}/flower_thumbnail.png",
        f"{_PT}/tiff_strip_ycbcr_jpeg_2x2_sampling.tif",
        f"{_PT}/tiff_tiled_ycbcr_jpeg_2x2_sampling.tif",
    ],
    "pillow flower2": [
        f"{_PT}/flower2.jpg",
        f"{_PT}/flower2.webp",
        f"{_PT}/jpeg_ff00_header.jpg",
        f"{_PT}/tiff_strip_ycbcr_jpeg_1x1_sampling.tif",
        f"{_PT}/tiff_tiled_ycbcr_jpeg_1x1_sampling.tif",
    ],
    "pillow plane": [f"{_PT}/exif_typeerror.jpg", f"{_PT}/exif_gps_typeerror.jpg"],
    "pillow roses": [f"{_PT}/xmp_tags_orientation.png", f"{_PT}/avif/xmp_tags_orientation.avif"],
    "pillow building 28": [f"{_PT}/iptc.jpg", f"{_PT}/iptc_roundUp.jpg"],
    **{
        f"pillow field {name}": [f"{_PT}/avif/{name}.avif"]
        for name in (f"rot{r}mir{m}" for r in range(4) for m in (0, 1))
    },
    "pillow meadow": [f"{_PT}/junk_jpeg_header.jpg"],
    "pillow sugarshack": [f"{_PT}/sugarshack_bad_mpo_header.jpg"],
    "pillow mountain": [f"{_PT}/exif-72dpi-int.jpg"],
    "pillow puppies": [f"{_PT}/app13-multiple.jpg"],
    "pillow coins": [f"{_PT}/xmp_test.jpg"],
    # --- photoprism ---------------------------------------------------------------------------------
    "pp lake": [
        "photoprism:assets/examples/.photoprism/example.jpg",
        "photoprism:internal/thumb/testdata/example.jpg",
        "photoprism:pkg/fs/testdata/directory/example.jpg",
        *_in(_PP, "assets/examples", "example.png", "example.tif", "example.gif", "example.bmp"),
        "photoprism:internal/meta/testdata/example.gif",
        "photoprism:internal/photoprism/testdata/2018-04-12 19_24_49.gif",
        *_in(_PP, "internal/thumb/testdata", "example.bmp", "example.gif", "example.png", "example.tif"),
        *_in(_PP, "pkg/fs/testdata/directory", "example.bmp", "example.gif"),
        *_in(_PP, "pkg/fs/testdata/directory/subdirectory", "example.png", "example.tif"),
    ],
    "pp IMG_4120": [
        "photoprism:assets/examples/IMG_4120.JPG",
        "photoprism:assets/examples/IMG_4120 (1).JPG",
        "photoprism:assets/examples/IMG_4120 copy.JPG",
        "photoprism:docker/dummy/webdav/files/Photos/IMG_4120.JPG",
    ],
    "pp IMG_E4120": [
        "photoprism:assets/examples/IMG_E4120.JPG",
        "photoprism:docker/dummy/webdav/files/Photos/IMG_E4120.JPG",
    ],
    "pp beach_wood": [
        "photoprism:assets/examples/beach_wood.jpg",
        "photoprism:assets/examples/this-is-a-jpeg.png",
        f"{_NSFW}/beach_wood.jpg",
        "photoprism:pkg/media/video/testdata/image.jpg",
        "photoprism:pkg/media/video/testdata/image-isom-avc1.jpg",
    ],
    "pp dog toshi yellow": [
        "photoprism:assets/examples/dog_toshi_yellow.jpg",
        "photoprism:assets/examples/dog_created_1919.jpg",
    ],
    "pp iphone_7": [
        "photoprism:assets/examples/iphone_7.heic",
        "photoprism:docker/dummy/webdav/files/Photos/2020/03/iphone_7.heic",
        f"{_META}/iphone_7.heic",
    ],
    "pp jellyfish": [
        "photoprism:assets/examples/jellyfish_blue.jpg",
        f"{_NSFW}/jellyfish_blue.jpg",
        "photoprism:internal/service/webdav/testdata/example.jpg",
    ],
    "pp cat_yellow_grey": [
        "photoprism:assets/examples/cat_yellow_grey.jpg",
        f"{_NSFW}/cat_yellow_grey.jpg",
        "photoprism:pkg/fs/testdata/CATYELLOW.jpg",
    ],
    "pp ocean_cyan": [
        "photoprism:assets/examples/ocean_cyan.jpg",
        f"{_NSFW}/ocean_cyan.jpg",
        "photoprism:docker/dummy/webdav/files/Photos/2020/03/ocean_cyan.jpg",
    ],
    **{
        f"pp {name}": [f"photoprism:assets/examples/{name}.jpg", f"{_NSFW}/{name}.jpg"]
        for name in (
            "cat_brown",
            "clock_purple",
            "clowns_colorful",
            "limes",
            "peacock_blue",
            "zebra_green_brown",
            "beach_sand",
            "sharks_blue",
        )
    },
    "pp chameleon": ["photoprism:assets/examples/chameleon_lime.jpg", "photoprism:pkg/fs/testdata/chameleon_lime.jpg"],
    "pp ladybug": ["photoprism:frontend/tests/upload-files/ladybug.jpg", f"{_META}/ladybug.jpg"],
    "pp digikam": [
        "photoprism:frontend/tests/upload-files/digikam.jpg",
        f"{_META}/digikam.jpg",
        f"{_PPT}/digikam.jpg",
        f"{_PPT}/orientation.jpg",
    ],
    "pp panorama360": [f"{_META}/panorama360.jpg", f"{_PPT}/panorama360.jpg"],
    "pp couple selfie": [f"{_FACE}/17.jpg"],
    "pp couple selfie cropped": [f"{_FACE}/overlap/2.jpg"],
    "pp Iceland": [
        f"{_META}/Iceland-P3.jpg",
        f"{_META}/Iceland-sRGB.jpg",
        "photoprism:pkg/media/colors/testdata/DisplayP3.jpg",
    ],
    "pp wine": [
        f"{_PPT}/2015-02-04.jpg",
        f"{_PPT}/related/IMG_1234 (2).JPEG",
        f"{_PPT}/related/IMG_1234_HEVC.JPEG",
        f"{_PPT}/related/IMG_E1234 (2).JPEG",
    ],
    "pp earth": [f"{_PPT}/animated-earth.jpg", "photoprism:internal/thumb/testdata/animated-earth.jpg"],
    "pp cat flash": [f"{_PPT}/flash.jpg", f"{_PPT}/wrong.heic"],
    "pp wallpaper": [
        "photoprism:assets/static/img/wallpaper/default.jpg",
        "photoprism:internal/config/testdata/static/img/wallpaper/default.jpg",
    ],
    "pp portrait fit": [f"{_CROP}_720x720_fit.jpg"],
    "pp portrait centre": [f"{_CROP}_500x500_center.jpg", f"{_CROP}_224x224_center.jpg", f"{_CROP}_100x100_center.jpg"],
    "pp portrait left": [f"{_CROP}_224x224_left.jpg"],
    "pp portrait right": [f"{_CROP}_224x224_right.jpg"],
    "pp portrait face": [f"{_CROP}_160x160_crop_0680bc31420d.jpg"],
    "fjord": ["photoprism:internal/photoprism/testdata/norway-kjetil-moe.webp", f"{_VT}/1.webp"],
    **{
        f"pp {name}": [f"photoprism:assets/examples/{name}"]
        for name in (
            "6720px_white.jpg",
            "beach_colorfilter.jpg",
            "bitcoin_gold.jpg",
            "building_mono.jpg",
            "canon_eos_6d.dng",
            "cash_register_gold.jpg",
            "cat_black.jpg",
            "coin_gold.jpg",
            "dog_orange.jpg",
            "dog_toshi_red.jpg",
            "door_cyan.jpg",
            "elephant_mono.jpg",
            "elephants.jpg",
            "fern_green.jpg",
            "ferriswheel_colorful.jpg",
            "fish_anthias_magenta.jpg",
            "giraffe_green_brown.jpg",
            "instrument_gold.jpg",
            "iphone_15_pro.heic",
            "leaves_gold.jpg",
            "orange_square.jpg",
            "pillar_cyan.jpg",
            "pineapple_white.jpg",
            "robot_magenta.jpg",
            "rope_blue_cyan.jpg",
            "snake_lime_brown.jpg",
            "table_white.jpg",
            "telegram_2020-01-30_09-57-18.jpg",
            "tree_white.jpg",
            "turtle_brown_blue.jpg",
            "palms_beach.jpg",
            "ephedra_green_lime.jpg",
        )
    },
    **{
        f"pp face {n}": [f"{_FACE}/{n}.jpg"]
        for n in (1, 10, 11, 12, 13, 14, 15, 16, 18, 19, 2, 3, 4, 5, 6, 7, 8, 9, "overlap/1", "overlap/3", "overlap/4")
    },
    **{
        f"pp nsfw {name}": [f"{_NSFW}/{name}.jpg"] for name in ("art", "dog", "museum", "san-francisco", "architecture")
    },
    **{
        f"pp meta {name}": [f"{_META}/{name}"]
        for name in (
            "aurora.jpg",
            "gopher-preview.jpg",
            "gopro_hd2.jpg",
            "huawei-gps-error.jpg",
            "iptc-fields-500.jpg",
            "keywords.jpg",
            "notebook.jpg",
            "orientation.jpg",
            "out-of-range-500.jpg",
            "photoshop.jpg",
            "ship.jpg",
            "smallFiji.JPG",
            "snow.jpg",
            "gps-2000.jpg",
            "image-2011.jpg",
        )
    },
    "pp man 2015": [f"{_PPT}/2015-02-04(1).jpg"],
    "pp statue": ["photoprism:internal/thumb/frame/testdata/500x500.jpg"],
    "pp wall 404": ["photoprism:assets/static/img/404.jpg"],
    # --- pillow_heif ---------------------------------------------------------------------------------
    "PUG1": ["pillow_heif:tests/images/Pug/PUG1__prof.heic"],
    "PUG2": ["pillow_heif:tests/images/Pug/PUG2__prof.heic"],
    "PUG3": ["pillow_heif:tests/images/Pug/PUG3__none.heic"],
    "pug indoors": ["pillow_heif:tests/images/heif_other/pug.heic"],
    "pug on the ground": ["pillow_heif:tests/images/jpeg_gif_png/pug.jpeg"],
    "pug turned and mirrored": ["pillow_heif:tests/images/jpeg_gif_png/pug_90_flipped.jpeg"],
    "pug tiny": ["pillow_heif:tests/images/heif/zPug_3.heic"],
    # the two iPhone XS shots cropped (their capture times kept: PUG1's 16:08:14.164, PUG2's 16:08:12.308;
    # the face is PUG1's, the same whiskers and highlights, pixel for pixel)
    "PUG1 face": [
        "pillow_heif:tests/images/heif_other/empty_icc.heic",  # the same bytes as tests/images/pug_2_2.heic
        *(f"pillow_heif:tests/images/pug_2_{n}.heic" for n in (0, 1, 3)),  # its other encodes, 1025x900
    ],
    "PUG2 face and paws": ["pillow_heif:tests/images/pug_1_0.heic"],  # 1280x1280
    # the same Nikon D3X, 1 h 31 min apart: two other children (marks drawn on both); stay in no group
    "vips boy watermarked": ["libvips:assets/images/tn_watermark.jpg"],  # 1024x683
    "vips girl circles": ["libvips:assets/images/circles1.jpg"],
    "arrow": ["pillow_heif:tests/images/heif_other/arrow.heic", "pillow_heif:tests/images/arrow__prof.heic"],
    **{
        f"pillow_heif {name}": [f"{_NOKIA}/{name}_1440x960.heic"]
        for name in ("autumn", "cheers", "crowd", "old_bridge", "ski_jump", "spring", "summer", "surfer", "winter")
    },
    **{
        f"pillow_heif {name}": [f"pillow_heif:tests/images/{name}"]
        for name in (
            "iPhoneXR.heic",
            "lego__prof.heic",
            "parfait.heic",
            "nokia/bothie/bothie_1440x960.heic",
            "nokia/stereo/stereo_1200x800.heic",
            "nokia/burst/rally_burst.heic",
            "heif_other/nokia/alpha.heic",
            "heif_other/nokia/bird_burst.heic",
            "heif_other/spatial_photo.heic",
            "heif_special/xiaomi.heic",
            "heif_other/cat.hif",
        )
    },
    # --- libavif ---------------------------------------------------------------------------------------
    "fox": [
        f"{_FOX}2.12bpc.yuv444.avif",
        *[
            f"{_FOX}{p}.avif"
            for p in (
                "0.10bpc.yuv420",
                "0.8bpc.yuv420",
                "1.10bpc.yuv444",
                "1.8bpc.yuv444",
                "2.10bpc.yuv422",
                "2.12bpc.yuv420",
                "2.12bpc.yuv422",
                "2.8bpc.yuv422",
            )
        ],
        "photoprism:assets/examples/fox.profile0.8bpc.yuv420.avif",
    ],
    "fox monochrome": [f"{_FOX}{p}.monochrome.avif" for p in ("2.12bpc.yuv420", "0.10bpc.yuv420", "0.8bpc.yuv420")],
    "paris": [
        f"{_AV}/paris_exif_xmp_icc.jpg",
        *_in(
            "libavif", "tests/data", "paris_exif_xmp_gainmap_bigendian.jpg", "paris_exif_xmp_gainmap_littleendian.jpg"
        ),
        *_in("libavif", "tests/data", "paris_exif_xmp_icc_gainmap_bigendian.jpg", "paris_exif_xmp_modified_icc.jpg"),
        *_in("libavif", "tests/data", "paris_extended_xmp.jpg", "paris_icc_exif_xmp.avif", "paris_icc_exif_xmp.png"),
        *_in("libavif", "tests/data", "paris_icc_exif_xmp_at_end.png", "paris_xmp_trailing_null.jpg"),
    ],
    "paris transposed": [f"{_AV}/paris_exif_orientation_5.jpg"],  # orientation 5 displays it turned and mirrored
    "seine": [
        f"{_AV}/seine_sdr_gainmap_srgb.jpg",
        *[
            f"{_AV}/seine_sdr_{s}.avif"
            for s in ("gainmap_srgb", "gainmap_big_srgb", "gainmap_notmapbrand", "gainmap_srgb_icc")
        ],
        f"{_AV}/seine_sdr_different_gainmap_srgb.jpg",
    ],
    # the HDR rendering of the same capture: an edit of the SDR one (issue 20: HDR and non-HDR
    # versions of one capture are edits; labelled one copy set with the SDR files before)
    "seine hdr": [
        f"{_AV}/seine_hdr_{s}.avif"
        for s in ("gainmap_srgb", "gainmap_small_srgb", "gainmap_wrongaltr", "rec2020", "srgb")
    ],
    "kodim03": [f"{_AV}/io/kodim03_yuv420_8bpc.avif"],
    "kodim03 grey": [
        f"{_AV}/kodim03_grayscale_gamma1.6-reference.png",
        f"{_AV}/kodim03_grayscale_gamma1.6.png",
        f"{_AV}/kodim03_grayscale_cicp.png",
    ],
    "apple gainmap": [f"{_AV}/apple_gainmap_old.jpg", f"{_AV}/apple_gainmap_new.jpg"],
    "kodim23": [f"{_AV}/io/kodim23_yuv420_8bpc.avif"],
    "party dog": [f"{_AV}/dog_exif_extended_xmp_icc.jpg"],
    "sofa": [f"{_AV}/sofa_grid1x5_420.avif"],
    # --- libvips ---------------------------------------------------------------------------------------
    "vips man": [
        # a lossless file first: neither sample.png nor sample.tif holds sample.jpg's quantisation
        # (0.28, as unrelated pictures), so the JPEG was made from them; labelled sample.jpg before
        f"{_VT}/sample.png",
        f"{_VT}/sample.tif",
        f"{_VT}/sample.jpg",
        f"{_VT}/rotation/0.png",
        f"{_VT}/indexed.png",
        f"{_VT}/sample-xyb.jpg",  # an XYB JPEG: its colours are right only through its ICC profile
    ],
    **{f"vips waterfall {n}": [f"{_VT}/rotation/{n}.jpg"] for n in range(1, 9)},
    "vips owl": ["libvips:doc/images/owl.jpg"],
    "vips owl square": ["libvips:doc/images/tn_owl.jpg"],
    **{f"vips mosaic {n}.{m}": [f"{_VT}/cd{n}.{m}.jpg"] for n in range(1, 5) for m in (1, 2)},
    "vips sunset": [f"{_VT}/Bretagne2_4.j2k"],
    "vips food": [f"{_VT}/avif-orientation-6.avif"],
    "vips ultra hdr": [f"{_VT}/ultra-hdr.jpg"],
    "vips lizard": [f"{_VT}/ojpeg-strip.tif"],
    "vips cat": [f"{_VT}/ojpeg-tile.tif"],
    "vips cougar": [f"{_VT}/subsampled.tif"],
    # --- libwebp-test-data -----------------------------------------------------------------------------
    "peak": [
        "libwebp:peak.png",
        "libwebp:peak.tiff",
        "libwebp:peak.bmp",
        "libwebp:test.webp",
        "libwebp:color_cache_bits_11.webp",
        *[f"libwebp:lossless_vec_2_{n}.webp" for n in range(16)],
    ],
    "cliff": ["libwebp:segment01.webp", "libwebp:segment02.webp", "libwebp:segment03.webp"],
    "tractor": [
        *[f"libwebp:vp80-{n}.webp" for n in ("03-segmentation-1432", "05-sharpness-1429", "05-sharpness-1434")],
        *[
            f"libwebp:vp80-{n}.webp"
            for n in ("01-intra-1400", "02-inter-1402", "03-segmentation-1401", "03-segmentation-1403")
        ],
        *[f"libwebp:vp80-04-partitions-{n}.webp" for n in (1404, 1405, 1406)],
    ],
    "garden": [f"libwebp:vp80-00-comprehensive-{n:03d}.webp" for n in (2, 3, 5, 9)],
    "hockey": [f"libwebp:vp80-03-segmentation-{n}.webp" for n in (1407, 1408, 1409, 1410)],
    "sky": [
        *[f"libwebp:vp80-03-segmentation-{n}.webp" for n in (1426, 1435, 1436)],
        *[f"libwebp:vp80-05-sharpness-{n}.webp" for n in (1433, 1438, 1440)],
    ],
    "snowmobile": ["libwebp:vp80-03-segmentation-1427.webp", "libwebp:vp80-03-segmentation-1437.webp"],
    "subway": [
        "libwebp:vp80-03-segmentation-1441.webp",
        "libwebp:vp80-05-sharpness-1428.webp",
        "libwebp:vp80-05-sharpness-1431.webp",
    ],
    "ping pong": [
        "libwebp:vp80-01-intra-1416.webp",
        "libwebp:vp80-01-intra-1417.webp",
        "libwebp:vp80-02-inter-1424.webp",
    ],
    "traffic": ["libwebp:vp80-03-segmentation-1414.webp", "libwebp:vp80-03-segmentation-1415.webp"],
    "coast": ["libwebp:lossy_extreme_probabilities.webp"],
    "circuit board": ["libwebp:vp80-02-inter-1418.webp"],
    "old man": ["libwebp:vp80-03-segmentation-1425.webp"],
    "football": ["libwebp:vp80-03-segmentation-1442.webp"],
    "tennis": ["libwebp:vp80-05-sharpness-1439.webp"],
    # --- libjxl testdata ---------------------------------------------------------------------------------
    "jxl flower": [
        f"{_JF}/flower.png.im_q85_rgb.jpg",
        *[f"{_JF}/flower.png.im_q85_{s}.jpg" for s in ("420", "420_R13B", "420_progr", "422", "440", "444", "444_1x2")],
        *[f"{_JF}/flower.png.im_q85_{s}.jpg" for s in ("asymmetric", "luma_subsample", "rgb_subsample_blue")],
    ],
    "jxl flower grey": [f"{_JF}/flower.png.im_q85_gray.jpg"],
    "jxl flower cropped": [f"{_JF}/flower_cropped.jpg"],
    "jxl flower small": [
        f"{_JF}/flower_small.rgb.png",
        f"{_JF}/flower_small.cmyk.jpg",
        *[
            f"{_JF}/flower_small.q85_{s}_interleaved.jpg"
            for s in ("420_non", "420_partially", "444_non", "444_partially")
        ],
    ],
    "jxl flower small grey": [f"{_JF}/flower_small.g.png"],
    "jxl flower small faded": [f"{_JF}/flower_small.rgba.png"],
    "jxl flower small grey faded": [f"{_JF}/flower_small.ga.png"],
    "jxl cliff": ["libjxl:external/wesaturate/500px/cvo9xd_keong_macan_srgb8.png"],
    "jxl cliff grey": ["libjxl:external/wesaturate/500px/cvo9xd_keong_macan_grayscale.png"],
    "jxl tulips": ["libjxl:external/wesaturate/500px/tmshre_riaphotographs_srgb8.png"],
    "jxl tulips faded": ["libjxl:external/wesaturate/500px/tmshre_riaphotographs_alpha.png"],
    "jxl blossom": ["libjxl:external/wesaturate/500px/u76c0g_bliznaca_srgb8.png"],
    "jxl room": ["libjxl:jxl/hdr_room.png"],
    "jxl bicycles": ["libjxl:jxl/jpeg_reconstruction/bicycles_restarts.jpg"],
    # --- libjpeg-turbo -----------------------------------------------------------------------------------
    "ljt rose": [f"{_LJ}/testorig.jpg", f"{_LJ}/testimgari.jpg", f"{_LJ}/testimgint.jpg"],
    "ljt rose grey": [f"{_LJ}/testorig.png"],
    "ljt monkey": [f"{_LJ}/monkey16.png"],
    "ljt bird": [f"{_LJ}/shira_bird8.bmp"],
    # --- libheif --------------------------------------------------------------------------------------------
    "libheif garden": ["libheif:examples/example.avif"],
    "libheif town": ["libheif:examples/example.heic"],
}

NO_ORIGINAL = {
    "fox",  # parallel encodes of one source; the 12-bit 4:4:4 one listed first only as the richest
    "fox monochrome",
    "seine",
    "seine hdr",
    "kodim03 grey",
    "apple gainmap",
    "pillow plane",
    "pp dog toshi yellow",
    "jxl flower",  # encodes of flower.png, which is over 4 MiB and not in the snapshot
    "tractor",
    "garden",
    "hockey",
    "sky",
    "snowmobile",
    "subway",
    "ping pong",
    "traffic",
    "cliff",
    "fjord",
    "pp wine",
    "pp earth",
    "pp wallpaper",
    "PUG1 face",  # pillow_heif's encodes of one crop (pug_2_0 ... pug_2_3), none marked as the source
}

_HOPPER_EDITS = [name for name in SETS if name.startswith("hopper") and name != "hopper"]

# Versions of one exposure: every pair across two of a shot's sets is an edit.
SHOTS: list[list[str]] = [
    ["hopper", *_HOPPER_EDITS],
    ["pp IMG_4120", "pp IMG_E4120"],  # Apple Photos' edit: black and white, cropped
    ["pug on the ground", "pug turned and mirrored"],
    ["PUG1", "PUG1 face"],  # crops keeping the capture time
    ["PUG2", "PUG2 face and paws"],
    ["pp portrait fit", "pp portrait centre", "pp portrait left", "pp portrait right", "pp portrait face"],
    ["fox", "fox monochrome"],
    ["paris", "paris transposed"],
    ["kodim03", "kodim03 grey"],
    ["vips owl", "vips owl square"],
    [f"vips waterfall {n}" for n in range(1, 9)],  # one photo, a different digit drawn on each
    [f"pillow field rot{r}mir{m}" for r in range(4) for m in (0, 1)],  # one photo, other text drawn on each
    [
        "jxl flower",
        "jxl flower grey",
        "jxl flower cropped",
        "jxl flower small",
        "jxl flower small grey",
        "jxl flower small faded",
        "jxl flower small grey faded",
    ],
    ["jxl tulips", "jxl tulips faded"],
    ["jxl cliff", "jxl cliff grey"],
    ["ljt rose", "ljt rose grey"],
    ["seine", "seine hdr"],
]

# Other exposures of one moment or subject: every pair across them is similar.
SCENES: list[list[str]] = [
    ["PUG1", "PUG2"],  # two shots of an iPhone, 2 s apart
    # a crop of one of those shots beside the other shot: the pug has moved its head and paws
    ["PUG1 face", "PUG2"],
    ["PUG1", "PUG2 face and paws"],
    ["PUG1 face", "PUG2 face and paws"],
    # overlap/2.jpg is another moment, not a crop: both heads are turned and placed otherwise
    ["pp couple selfie", "pp couple selfie cropped"],
]

# Different photos that look alike (unrelated; named only to be reported).
LOOKALIKES: list[tuple[str, str]] = [
    ("pp coin_gold.jpg", "pp bitcoin_gold.jpg"),
    ("pp elephants.jpg", "pp elephant_mono.jpg"),
    ("pp dog toshi yellow", "pp dog_toshi_red.jpg"),
    ("pp cat_black.jpg", "pp cat_brown"),
    ("pp beach_sand", "pp beach_colorfilter.jpg"),
    ("pp ocean_cyan", "coast"),
    ("PUG3", "PUG1"),
    ("pug indoors", "pug on the ground"),
    ("libheif garden", "libheif town"),
    ("pillow flower", "pillow flower2"),
    ("jxl flower", "pillow flower2"),
    ("tractor", "garden"),
    ("pp face 6", "pp face 12"),  # a woman beside bicycles, two other photos
    ("pp couple selfie", "pp face overlap/4"),  # a couple's selfies, two other photos
    # libvips's mosaicing tests: 531x373 grey tiles cut from one scan of one tapestry, overlapping;
    # no camera and no moment (no EXIF), so not bursts or retakes of a photo: other parts of one picture
    *itertools.combinations([f"vips mosaic {n}.{m}" for n in range(1, 5) for m in (1, 2)], 2),
]
