"""Photo checks: what a file is, decided by its content (never by its name or declared type)."""

from __future__ import annotations

import warnings

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_ORDER = 10

# ISO base media brands of HEIF/HEIC still images (the `ftyp` box at offset 4).
HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic"}


class PhotoRejected(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def sniff(head: bytes) -> str | None:
    """The image type of a file from its first bytes: image/jpeg, image/png, image/heic or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        major = head[8:12]
        # the compatible brands follow the major brand and the minor version
        box_size = int.from_bytes(head[0:4], "big")
        compatible = [head[i:i + 4] for i in range(16, min(box_size, len(head)), 4)]
        if major in HEIC_BRANDS or any(b in HEIC_BRANDS for b in compatible):
            return "image/heic"
    return None


def check_photo(upload, *, existing_count: int) -> str:
    """Validate an uploaded file; return its content type or raise PhotoRejected with the reason."""
    if existing_count >= MAX_PHOTOS_PER_ORDER:
        raise PhotoRejected(_("At most %(n)d photos per work order.") % {"n": MAX_PHOTOS_PER_ORDER})
    if upload.size > MAX_PHOTO_BYTES:
        raise PhotoRejected(_("The photo is larger than %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)})
    if upload.size == 0:
        raise PhotoRejected(_("The file is empty."))
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise PhotoRejected(_("The file is not a JPEG, PNG or HEIC photo."))
    _decode(upload, content_type)
    return content_type


# The Pillow format each sniffed type must decode as.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/heic": "HEIF"}


def max_pixels() -> int:
    return getattr(settings, "PHOTO_MAX_PIXELS", 50_000_000)


def _decode(upload, content_type: str) -> None:
    """The file must decode as the image it claims to be, within the pixel limit: JPEG and PNG
    are parsed and verified by Pillow, HEIC decoded by pillow-heif; a picture of more than
    PHOTO_MAX_PIXELS pixels (a decompression bomb) is refused from its header, before decoding."""
    from PIL import Image, UnidentifiedImageError

    if content_type == "image/heic":
        _register_heif()
    limit = max_pixels()
    too_big = PhotoRejected(_("The photo has more than %(mp)d million pixels.") % {"mp": limit // 1_000_000})
    Image.MAX_IMAGE_PIXELS = limit  # Pillow's own guard: an error at twice this, a warning above it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[FORMATS[content_type]]) as img:
                width, height = img.size
                if width * height > limit:
                    raise too_big
                if content_type == "image/heic":
                    img.load()  # HEIC has no cheap verify: decode it (bounded by the pixel limit)
                else:
                    img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected(_("The photo is damaged and cannot be read.")) from exc
    finally:
        upload.seek(0)


_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True
