"""Small image files made in memory: real JPEG/PNG from Pillow, real HEIC from pillow-heif."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_bytes(size=(64, 48), color=(200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="JPEG")
    return buf.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 90, 200)).save(buf, format="PNG")
    return buf.getvalue()


def heic_bytes(size=(64, 48)) -> bytes:
    """A real HEIC picture, encoded by pillow-heif."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 160, 60)).save(buf, format="HEIF")
    return buf.getvalue()


def fake_heic_bytes() -> bytes:
    """An `ftyp heic` box followed by an HTML page: HEIC by its magic bytes only."""
    box = b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1" + b"heic"
    return len(box).to_bytes(4, "big") + box + b"<html><script>alert(1)</script></html>" * 10


def upload(name="site.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type=content_type)
