"""Pictures a cell made (matplotlib figures, `show(x)`), drawn under its output."""

from __future__ import annotations

import io

from textual.containers import Vertical
from textual.widgets import Static

from tui.images import image_widget_class


class CellImages(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self.count = 0

    async def show_images(self, pngs: list[bytes]) -> None:
        await self.remove_children()
        self.count = 0
        widgets = []
        for png in pngs or []:
            try:
                from PIL import Image as PILImage

                picture = PILImage.open(io.BytesIO(png))
                picture.load()
                widgets.append(image_widget_class()(picture, classes="cell-image"))
            except Exception as error:  # a broken PNG must not take the cell down with it
                widgets.append(Static(f"(a picture could not be shown: {error})", classes="cell-image-error"))
        self.count = len(widgets)
        self.display = bool(widgets)
        if widgets:
            await self.mount_all(widgets)
