"""Pictures a cell made (matplotlib figures, `show(x)`), drawn under its output."""

from __future__ import annotations

import io

from textual.containers import Vertical
from textual.widgets import Static

from tui.images import image_widget_class


MAX_WIDTH = 120  # cells; wider pictures only get blurrier in half-blocks, not clearer


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
                image.styles.width = width
                widgets.append(image)
            except Exception as error:  # a broken PNG must not take the cell down with it
                widgets.append(Static(f"(a picture could not be shown: {error})", classes="cell-image-error"))
        self.count = len(widgets)
        self.display = bool(widgets)
        if widgets:
            await self.mount_all(widgets)
        open("/tmp/imgdebug.txt", "a").write(f"{available} {width} {[type(w).__name__ for w in widgets]} {self.parent}\n")  # DEBUG
