"""Photos are downscaled when saved; bad files are refused with a clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from jeweltrak_desktop.documents.photos import (
    MAX_EDGE_PX,
    PhotoUnreadable,
    load_photo,
    prepare_photo,
)
from jeweltrak_desktop.documents.samples import make_sample_photo


def test_a_huge_photo_is_saved_at_1200_px_as_a_small_jpeg(huge_photo: Path, tmp_path: Path
                                                          ) -> None:
    assert huge_photo.stat().st_size > 3_000_000
    saved = prepare_photo(huge_photo, tmp_path / "photos")
    with Image.open(saved) as image:
        assert image.format == "JPEG"
        assert image.size == (MAX_EDGE_PX, 800)
    assert saved.stat().st_size < 400_000
    assert saved.parent == tmp_path / "photos"


def test_saving_the_same_photo_twice_keeps_one_file(tmp_path: Path) -> None:
    src = make_sample_photo(tmp_path / "a.jpg", width=800, height=600)
    first = prepare_photo(src, tmp_path / "photos")
    assert prepare_photo(src, tmp_path / "photos") == first
    assert [p.name for p in (tmp_path / "photos").iterdir()] == [first.name]


def test_exif_rotation_is_applied_and_transparency_flattened(tmp_path: Path) -> None:
    portrait = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90° (how phones save portraits)
    Image.new("RGB", (1600, 900), "red").save(portrait, exif=exif)
    with Image.open(prepare_photo(portrait, tmp_path / "out")) as image:
        assert image.size == (675, 1200)
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(logo)
    with Image.open(prepare_photo(logo, tmp_path / "out")) as image:
        assert image.mode == "RGB"
        assert image.getpixel((5, 5)) == (255, 255, 255)


def test_small_photos_are_not_enlarged(tmp_path: Path) -> None:
    src = make_sample_photo(tmp_path / "small.jpg", width=640, height=480)
    with Image.open(prepare_photo(src, tmp_path / "photos")) as image:
        assert image.size == (640, 480)


@pytest.mark.parametrize("content", [b"", b"not an image", b"\xff\xd8\xff\xe0" + b"\0" * 64])
def test_unreadable_files_are_refused_with_a_sentence(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "scan.jpg"
    bad.write_bytes(content)
    with pytest.raises(PhotoUnreadable) as refused:
        prepare_photo(bad, tmp_path / "photos")
    assert "“scan.jpg” is not a photo this app can read" in refused.value.message
    assert refused.value.code == "photo_unreadable"
    assert not (tmp_path / "photos").exists() or not any((tmp_path / "photos").iterdir())


def test_a_missing_file_is_refused_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(PhotoUnreadable, match="was not found"):
        prepare_photo(tmp_path / "nope.jpg", tmp_path / "photos")


def test_loading_for_a_document_embeds_prepared_photos_as_they_are(tmp_path: Path) -> None:
    prepared = prepare_photo(make_sample_photo(tmp_path / "a.jpg"), tmp_path / "photos")
    loaded = load_photo(prepared)
    assert not isinstance(loaded, str)
    assert loaded.source == str(prepared)  # the file itself: no decode, no re-encode
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(prepared.read_bytes()[:-5000])
    assert load_photo(truncated) == "unreadable"
    assert load_photo(tmp_path / "missing.jpg") == "missing"
