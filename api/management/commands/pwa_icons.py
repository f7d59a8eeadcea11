"""Draw the home-screen icons of the application (static/icons/icon-<size>.png) with Pillow:
a white "A" on the application's blue, inside the safe zone of a maskable icon. The PNGs are
committed; run this again only to change them."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

from api.pwa import ICON_SIZES

BLUE = (13, 110, 253)
WHITE = (255, 255, 255)


def draw_icon(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    # A letter "A" drawn as a polygon (no font needed), within the central 60 % (maskable safe zone).
    s = size / 100
    outer = [
        (50 * s, 22 * s),
        (76 * s, 78 * s),
        (64 * s, 78 * s),
        (58 * s, 64 * s),
        (42 * s, 64 * s),
        (36 * s, 78 * s),
        (24 * s, 78 * s),
    ]
    draw.polygon(outer, fill=WHITE)
    draw.polygon([(50 * s, 40 * s), (55 * s, 54 * s), (45 * s, 54 * s)], fill=BLUE)
    return image


class Command(BaseCommand):
    help = "Draw the application's home-screen icons into static/icons/."

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for size in ICON_SIZES:
            draw_icon(size).save(folder / f"icon-{size}.png", optimize=True)
            self.stdout.write(f"icon-{size}.png")
