"""One DDP rank in this process (gloo, world size 1): the same training as the plain trainer, agreed stops."""

from __future__ import annotations

import pytest
import torch
import torch.distributed as dist

from curriculum.training.data import load_dataset
from curriculum.training.distributed import DistributedTrainer, RankInfo, rank_device
from curriculum.training.events import Emitter
from curriculum.training.presets import make_config
from curriculum.training.trainer import Trainer, epoch_order


@pytest.fixture
def process_group(tmp_path):
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    yield dist.group.WORLD
    dist.destroy_process_group()


def _events():
    events: list[dict] = []
    return events, Emitter([lambda event: events.append(event.to_dict())])


def test_a_ddp_rank_of_world_size_1_trains_exactly_like_the_plain_trainer(process_group):
    dataset = load_dataset("synthetic:200")
    config = make_config("faithful", data="synthetic:200", epochs=1, batch_size=8, device="cpu")
    plain = Trainer(config, dataset, Emitter([]), use_graph=False)
    plain.run()
    events, emitter = _events()
    rank = DistributedTrainer(config, dataset, emitter, info=RankInfo(), group=process_group)
    rank.start_event()
    assert rank.run() == "finished"
    for a, b in zip(plain.model.parameters(), rank.model.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    start, end = events[0], events[-1]
    assert start["world_size"] == 1 and start["distributed"]["backend"] == "gloo"
    assert end["world_size"] == 1 and end["replicas_in_sync"] is True
    assert [r["rank"] for r in end["ranks"]] == [0] and end["ranks"][0]["steps"] == 25


def test_a_stop_request_waits_for_the_ranks_to_agree_at_a_sync(process_group):
    dataset = load_dataset("synthetic:200")
    config = make_config("faithful", data="synthetic:200", epochs=2, batch_size=8, device="cpu")
    events, emitter = _events()
    rank = DistributedTrainer(config, dataset, emitter, info=RankInfo(), group=process_group)
    rank.request_stop()
    assert not rank.stop_requested  # nothing stops until the ranks have shared it
    assert rank.run() == "stopped"
    assert rank.state.global_step == 1  # the first sync comes after the first step
    assert events[-1]["type"] == "end" and events[-1]["status"] == "stopped"


def test_ranks_share_each_epoch_in_equal_disjoint_slices():
    slices = [epoch_order(103, epoch=1, seed=0, device=torch.device("cpu"), rank=r, world_size=4) for r in range(4)]
    assert {len(s) for s in slices} == {25}  # the 3 left over would make one rank take an extra step
    joined = torch.cat(slices)
    assert len(set(joined.tolist())) == 100


def test_each_rank_trains_on_its_own_gpu_or_on_the_cpu():
    two = RankInfo(rank=1, world_size=2, local_rank=1, local_world_size=2)
    assert rank_device("cpu", two) == "cpu"
    assert rank_device("cuda", two) == "cuda:1"
    assert rank_device("cuda:3", RankInfo()) == "cuda:3"  # a lone rank may choose its GPU
    if not torch.cuda.is_available():
        assert rank_device("auto", two) == "cpu"
