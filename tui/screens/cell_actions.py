"""What the lesson screen does with cells beyond running one: run and move on, run below, restart
and run above, clear and copy output, scratch cells, and the kernel's completions and signatures."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.binding import Binding
from textual.message import Message

from curriculum.lesson import CodeCell
from tui.widgets.cell.cell import CodeCellView
from tui.widgets.cell.completion import CompletionList
from tui.widgets.cell.editor import CellEditor


@dataclass
class KernelAnswer(Message):
    """The kernel's completions ("complete") or signature ("inspect") for a cell's text at a cursor."""

    op: str
    cell_id: str
    code: str
    row: int
    column: int
    reply: dict


@dataclass
class RunCells(Message):
    """Queue these cells once the messages before this one were handled (after a restart)."""

    cell_ids: list


def scratch_cell(cell_id: str) -> CodeCell:
    return CodeCell(id=cell_id, source="", line=0, exercise=None)


class CellActions:
    CELL_BINDINGS = [
        # Priority, so they work from inside the editor too (like ctrl+r).
        Binding("shift+enter", "run_and_advance", "Run, next", show=False, priority=True),
        Binding("ctrl+j", "run_and_advance", "Run, next", show=False, priority=True,
                tooltip="Run the focused cell and move to the next one (shift+enter where the terminal tells it)"),
        Binding("A", "run_below", "Run below", show=False, tooltip="Run this cell and every cell below it"),
        Binding("z", "chord('z')", "Restart, run above", show=False, key_display="z z"),
        Binding("x", "clear_output", "Clear output", show=False),
        Binding("c", "copy_output", "Copy output", show=False),
        Binding("b", "insert_scratch", "Scratch cell", show=False, tooltip="Insert a scratch cell below"),
        Binding("d", "chord('d')", "Delete scratch", show=False, key_display="d d"),
    ]
    CHORDS = {
        "i": "interrupt the kernel",
        "0": "restart the kernel",
        "z": "restart the kernel and run every cell above this one",
        "d": "delete this scratch cell",
    }

    def chord_done(self, key: str) -> None:
        {"i": self.action_interrupt, "0": self.action_restart, "z": self.action_restart_run_above,
         "d": self.action_delete_scratch}[key]()

    def cell_ids_in_order(self) -> list[str]:
        return [view.cell.id for view in self.cell_views]

    # ----- running
    def action_run_and_advance(self) -> None:
        view = self.current_view
        if view is None:
            return
        if view.editing:
            view.editor.call_later(self._run_and_advance, view.cell.id)  # after the keys still queued
        else:
            self._run_and_advance(view.cell.id)

    def _run_and_advance(self, cell_id: str) -> None:
        self.enqueue([cell_id])
        ids = self.cell_ids_in_order()
        index = ids.index(cell_id)
        self.focus_cell(ids[min(index + 1, len(ids) - 1)])

    def action_run_below(self) -> None:
        view = self.current_view
        if view is not None:
            ids = self.cell_ids_in_order()
            self.enqueue(ids[ids.index(view.cell.id):])

    def action_restart_run_above(self) -> None:
        view = self.current_view
        if view is None:
            return
        ids = self.cell_ids_in_order()
        self._cancel_queue()
        self.notify("Restarting the kernel, then running the cells above…")
        self._restart(then_run=ids[: ids.index(view.cell.id)])

    def on_run_cells(self, message: RunCells) -> None:
        self.enqueue(message.cell_ids)

    # ----- output
    def action_clear_output(self) -> None:
        view = self.current_view
        if view is not None:
            view.clear_output()

    def action_copy_output(self) -> None:
        view = self.current_view
        text = view.output.plain if view is not None else ""
        if not text:
            self.notify("This cell has no output to copy.")
            return
        # OSC 52: the terminal puts it on the clipboard, over SSH and in tmux with `set-clipboard on`.
        self.app.copy_to_clipboard(text)
        lines = text.count("\n") + 1
        self.notify(f"Copied {lines} line{'s' if lines != 1 else ''} of output to the clipboard.")

    # ----- scratch cells
    async def action_insert_scratch(self) -> None:
        if self.session is None:
            return
        view = self.current_view
        after = view.cell.id if view is not None else None
        saved = self.app.progress.add_scratch_cell(self.lesson.id, after)
        self.app.schedule_save()
        new = CodeCellView(scratch_cell(saved.id), "", scratch=True)
        if view is not None:
            await self.query_one("#lesson-body").mount(new, after=view)
        else:
            await self.query_one("#lesson-body").mount(new)
        self.focus_cell(saved.id)
        new.action_edit()

    def action_delete_scratch(self) -> None:
        view = self.current_view
        if view is None or not view.scratch:
            self.notify("Only scratch cells can be deleted (b inserts one).")
            return
        if self.session is not None and (view.cell.id == self.session.running or view.cell.id in self.session.queue):
            self.notify("This cell is running; stop it first (i i).", severity="warning")
            return
        ids = self.cell_ids_in_order()
        index = ids.index(view.cell.id)
        self.app.progress.delete_scratch_cell(self.lesson.id, view.cell.id)
        self.app.schedule_save()
        neighbour = ids[index - 1] if index > 0 else (ids[1] if len(ids) > 1 else None)
        view.remove()
        self.focus_cell(neighbour)

    def reset_all_cells(self) -> None:
        """After the store was reset: scratch cells it no longer has go, the lesson's cells go back."""
        kept = {scratch.id for scratch in self.app.progress.scratch_cells(self.lesson.id)}
        for view in self.cell_views:
            if view.scratch and view.cell.id not in kept:
                view.remove()
        super().reset_all_cells()

    # ----- completion and signatures: asked in a worker, shown only if the text has not moved on
    # Named handlers, not @on: Textual collects @on only in classes it builds (this is a mixin).
    def on_cell_editor_completion_requested(self, event: CellEditor.CompletionRequested) -> None:
        event.stop()
        self._ask_kernel("complete", event.editor, event.code, event.row, event.column)

    def on_cell_editor_signature_requested(self, event: CellEditor.SignatureRequested) -> None:
        event.stop()
        self._ask_kernel("inspect", event.editor, event.code, event.row, event.column)

    def _ask_kernel(self, op: str, editor: CellEditor, code: str, row: int, column: int) -> None:
        view = editor.parent
        while view is not None and not isinstance(view, CodeCellView):
            view = view.parent
        kernel = self.session.kernel if self.session is not None else None
        if view is None or kernel is None or not hasattr(kernel, op):
            return
        self._ask(kernel, op, view.cell.id, code, row, column)

    @work(thread=True, group="ask-kernel", exclusive=True, exit_on_error=False, description="ask the kernel")
    def _ask(self, kernel, op: str, cell_id: str, code: str, row: int, column: int) -> None:
        reply = getattr(kernel, op)(code, row, column)
        if reply is not None:  # None: busy or not running; the learner simply gets no list
            self.post_message(KernelAnswer(op, cell_id, code, row, column, reply))

    def on_option_list_option_selected(self, event) -> None:
        """A click on a completion takes it, as tab or enter would."""
        view = self.current_view
        if isinstance(event.option_list, CompletionList) and view is not None and view.editor.completion_open:
            event.stop()
            view.take_completion(event.option.id)
            view.editor.focus()

    def on_kernel_answer(self, message: KernelAnswer) -> None:
        views = self.query(f"#cell-{message.cell_id}")
        if not views:
            return
        view = views.first()
        editor = view.editor
        if editor.text != message.code or editor.cursor_location != (message.row, message.column):
            return  # the learner typed on; an answer for old text would insert in the wrong place
        reply = message.reply
        if message.op == "complete":
            view.show_completions(list(reply.get("matches") or []), int(reply.get("replaced") or 0))
        elif reply.get("signature") or reply.get("doc"):
            view.show_signature(reply.get("signature", ""), reply.get("doc", ""))
        else:
            self.notify("No signature or help for what is under the cursor.", timeout=2)
