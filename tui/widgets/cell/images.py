"""Pictures a cell made (matplotlib figures, `show(x)`), drawn under its output."""

from __future__ import annotations

import io

from textual.containers import Vertical
from textual.widgets import Static

from tui.images import image_widget_class


MAX_WIDTH = 120  # cells; wider pictures only get blurrier in half-blocks, not clearer


def fitted_size(pixels_wide: int, pixels_high: int, max_cells: int) -> tuple[int, int]:
    """Cells (wide, high) that show the picture at its aspect ratio, as wide as it may be up to one column per pixel."""
    try:
        from textual_image._terminal import get_cell_size

        cell = get_cell_size()
        cell_width, cell_height = cell.width or 10, cell.height or 20
    except Exception:  # no terminal to ask: the VT340's 10×20 pixel cell, as textual-image assumes
        cell_width, cell_height = 10, 20
    # One column per pixel at most: CIFAR's 32-pixel pictures need enlarging, not shrinking.
    wide = max(1, min(max_cells, pixels_wide))
    high = max(1, round(wide * cell_width * pixels_high / max(1, pixels_wide) / cell_height))
    return wide, high


class CellImages(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self.count = 0

    async def show_images(self, pngs: list[bytes]) -> None:
        await self.remove_children()
        self.count = 0
        widgets = []
        # textual-image needs a width in cells (a percentage leaves it zero-high), so fit the cell's column.
        available = self.parent.size.width if self.parent is not None else 0
        width = max(20, min(available - 2 if available else 64, MAX_WIDTH))
        for png in pngs or []:
            try:
                from PIL import Image as PILImage

                picture = PILImage.open(io.BytesIO(png))
                picture.load()
                image = image_widget_class()(picture, classes="cell-image")
                # Both sides in cells: textual-image's "auto" height reads its own laid-out width,
                # which is 0 on the first layout, and Textual caches that zero height.
                image.styles.width, image.styles.height = fitted_size(picture.width, picture.height, width)
                widgets.append(image)
            except Exception as error:  # a broken PNG must not take the cell down with it
                widgets.append(Static(f"(a picture could not be shown: {error})", classes="cell-image-error"))
        self.count = len(widgets)
        self.display = bool(widgets)
        if widgets:
            await self.mount_all(widgets)

