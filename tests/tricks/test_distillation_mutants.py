"""Edge cases of edl.tricks.distillation that its mutation run exposed: student logits given as a list take the
dtype of float32 teacher logits."""

import torch
import torch.nn.functional as F

from edl.tricks import distillation as ds

F32 = torch.float32
F64 = torch.float64


def test_list_student_logits_take_a_float32_teacher_dtype():
    """float32 F with a list G: the loss, its gradient and the logit-matching gradient are float32; the loss
    equals PyTorch's cross-entropy with soft targets at temperature T, the gradient equals autograd of it."""
    Fl = torch.tensor([[1.0, -0.5, 2.0], [0.0, 0.3, -1.0]], dtype=F32)
    G, T = [[0.5, 0.5, -1.0], [2.0, -2.0, 0.0]], 2.0
    loss = ds.distillation_loss(Fl, G, T)
    grad = ds.distillation_grad(Fl, G, T)
    match = ds.logit_matching_grad(Fl, G, T)
    assert loss.dtype == F32 and grad.dtype == F32 and match.dtype == F32
    Gd = torch.tensor(G, dtype=F64, requires_grad=True)
    want = F.cross_entropy(Gd / T, torch.softmax(Fl.double() / T, -1), reduction="none")
    torch.testing.assert_close(loss, want.detach().float())
    (auto,) = torch.autograd.grad(want.sum(), Gd)
    torch.testing.assert_close(grad, auto.float())
    torch.testing.assert_close(match, ((torch.tensor(G) - Fl) / (3 * T ** 2)).float())
