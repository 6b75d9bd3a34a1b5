import matplotlib
import torch

matplotlib.use("Agg")  # tests never open windows

# The tests apply many operations to tensors of a few dozen entries, two workers at a time on two cores.
# Intra-op threads cannot speed those up, and oversubscribed threads made small training loops up to
# 25x slower in our measurements (see edl.core.device.single_threaded).
torch.set_num_threads(1)
