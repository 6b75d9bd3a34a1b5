import pytest
import torch

from edl.core.device import describe, generator, pick_device


def test_env_var_overrides(monkeypatch):
    monkeypatch.setenv("EDL_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")


def test_default_is_an_available_device(monkeypatch):
    monkeypatch.delenv("EDL_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert pick_device().type == expected


@pytest.mark.parametrize("name", ["gpu0", "not-a-device"])
def test_bad_device_name(name):
    with pytest.raises(ValueError, match="device"):
        pick_device(name)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA present")
def test_cuda_requested_without_cuda():
    with pytest.raises(ValueError, match="CUDA is not available"):
        pick_device("cuda")


def test_describe_names_device():
    assert describe(torch.device("cpu")).startswith("Computing on cpu, torch ")


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        generator(seed)


def test_generator_reproducible():
    a = torch.randn(5, generator=generator(3))
    b = torch.randn(5, generator=generator(3))
    assert torch.equal(a, b)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_generator_on_cuda():
    g = generator(0, "cuda")
    assert torch.rand(2, generator=g, device="cuda").device.type == "cuda"
