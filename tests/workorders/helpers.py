"""Small image files made in memory: real JPEG/PNG from Pillow, a minimal HEIC `ftyp` box."""

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


def heic_bytes() -> bytes:
    # ftyp box: size, "ftyp", major brand "heic", minor version, compatible brands
    box = b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1" + b"heic"
    return len(box).to_bytes(4, "big") + box + b"\x00" * 200


def upload(name="site.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type=content_type)
