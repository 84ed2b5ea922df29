"""The headless training client: everything a front end needs to run and watch a training run.

- `form`: the configuration fields' validation and the trainer flags they become;
- `run_state`: one run as folded from the trainer's events (`TrainingRun`);
- `runs`: run folders on disk, their summaries, replay and CSV export;
- `run_process`: the trainer subprocess and its reader threads;
- `run_session`: one run from start to finish, tying the four together.

No Textual, no torch: the training screen is a view that subscribes to a `RunSession` and repaints.
"""
