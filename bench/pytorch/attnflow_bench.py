#!/usr/bin/python3
"""PyTorch eager counterpart of the AttnFlow benchmark workloads (docs/benchmarks.md).

Workloads: fmnist32 data with glow32, imap32, itrans32, itrans32g, marflow32, marflow-mlc32 or tarflow32.
The model, the initialisation, the training recipe and the reported figures mirror the Java/DJL side
(`./attnflow bench configs/bench/<workload>.conf --steps N [--eval]`), so that both can be run
side by side on one machine with the same thread count. See README.md next to this file.

    /usr/bin/python3 bench/pytorch/attnflow_bench.py --workload glow32 --steps 70
    /usr/bin/python3 bench/pytorch/attnflow_bench.py --workload itrans32g --steps 2000 --eval
    /usr/bin/python3 bench/pytorch/attnflow_bench.py --selftest

Written for Debian's python3-torch (PyTorch 1.13, CPU) and python3-numpy; nothing else.
"""

import argparse
import datetime
import gzip
import json
import math
import os
import resource
import struct
import sys
import tempfile
import time
from typing import NamedTuple, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import profiler_legacy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from profile_summary import engine_calls, load  # noqa: E402  (the counting rule both sides share)

LOG_2PI = math.log(2 * math.pi)
HIDDEN_STD = 0.05  # N(0, 0.05²) for hidden convs, iMap's Ω and iTrans' Q and K
SIGMOID_OFFSET = 2.0  # Glow's sigmoid(raw + 2) and iMap's δ
DATA_DIR = "/usr/share/datasets/fashion-mnist"
# Engine calls are counted over these training steps (1-based, inclusive), after the timed ones
# (10-60), as on the Java side; --profile keeps their trace.
COUNTED_STEPS = (61, 63)
TARFLOW32_PARAMETERS = 285_960
POSITION_STD = 0.01  # TarFlow's learned positional embedding starts N(0, 0.01²)
MASKED_LOGIT = -1e9  # added to TarFlow's attention logits of later tokens


class MixLogCdfOptions(NamedTuple):
    """A `mixlogcdf` coupling with Flow++'s network (the keys of the coupling and its `flowpp`
    network block; defaults of marflow-mlc32): network width, logistic components per entry,
    residual blocks, attention heads and the dropout rate of training passes."""
    hidden: int = 32
    components: int = 4
    blocks: int = 1
    heads: int = 4
    dropout: float = 0.2


class TarFlowOptions(NamedTuple):
    """A `tarflow` block (the keys of its layer block): patch side P, Transformer width, depth
    (layers), heads and MLP ratio; and whether an ActNorm comes before each block."""
    patch: int = 2
    width: int = 64
    depth: int = 1
    heads: int = 4
    mlp_ratio: int = 4
    actnorm: bool = False


class Workload(NamedTuple):
    """A benchmark model: the attention layer after each coupling (or None), the priors of the
    splits and of the final latent ("glow" or "marflow"), the free parameters that
    docs/benchmarks.md gives, the flow steps per level, and the coupling: None for the affine
    coupling with Glow's network (64 wide), else the `mixlogcdf` coupling, followed by a tuple
    flip in every step. With `tarflow`, a step is a TarFlow block instead (after an ActNorm if
    its options say so), on `levels` levels."""
    attention: Optional[str]
    priors: str
    parameters: int
    steps: int = 8
    coupling: Optional[MixLogCdfOptions] = None
    tarflow: Optional[TarFlowOptions] = None
    levels: int = 3


WORKLOADS = {
    "glow32": Workload(None, "glow", 298_880),
    "imap32": Workload("imap", "glow", 302_016),
    "itrans32": Workload("itrans", "glow", 304_704),
    "itrans32g": Workload("itrans-gated", "glow", 304_728),
    "marflow32": Workload(None, "marflow", 933_324),
    "marflow-mlc32": Workload(None, "marflow", 1_263_172, steps=4, coupling=MixLogCdfOptions()),
    "tarflow32": Workload(None, "glow", TARFLOW32_PARAMETERS, steps=5, tarflow=TarFlowOptions(actnorm=True), levels=1),
}


# ---------------------------------------------------------------------------------------------
# Layers. Every layer maps data → latent with forward(x) -> (y, logdet[B]) and back with
# inverse(y) -> (x, -logdet[B]); invert(y) -> x is the inverse without its log-det (decoding).
# ---------------------------------------------------------------------------------------------

class FlowLayer(nn.Module):
    """An invertible layer; invert(y) is inverse(y)'s value unless a layer can skip its log-det."""

    def invert(self, y):
        return self.inverse(y)[0]


def per_sample(t):
    """Sum over every axis but the first: shape [B]."""
    return t.reshape(t.shape[0], -1).sum(1)


def hidden_conv(cin, cout, k, dilation=1, bias=True):
    """A k×k 'same' convolution with N(0, 0.05²) weights and bias 0 (Conv.hidden)."""
    conv = nn.Conv2d(cin, cout, k, padding=dilation * (k // 2), dilation=dilation, bias=bias)
    with torch.no_grad():
        conv.weight.normal_(0.0, HIDDEN_STD)
        if bias:
            conv.bias.zero_()
    return conv


class ZeroConv(nn.Module):
    """Glow's zero-initialised conv with bias and a learned per-output-channel exp(3·logs)."""

    def __init__(self, cin, cout, k=3):
        super().__init__()
        self.pad = k // 2
        self.weight = nn.Parameter(torch.zeros(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.logs = nn.Parameter(torch.zeros(1, cout, 1, 1))

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, padding=self.pad) * torch.exp(3.0 * self.logs)


class Squeeze(FlowLayer):
    """(C,H,W) → (4C,H/2,W/2); channel 4c + 2di + dj holds pixel (2i+di, 2j+dj)."""

    def forward(self, x):
        b, c, h, w = x.shape
        y = x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)
        return y, x.new_zeros(b)

    def inverse(self, y):
        b, c4, h2, w2 = y.shape
        c = c4 // 4
        x = y.reshape(b, c, 2, 2, h2, w2).permute(0, 1, 4, 2, 5, 3).reshape(b, c, 2 * h2, 2 * w2)
        return x, y.new_zeros(b)


class ActNorm(FlowLayer):
    """y = (x + b)·exp(logs) per channel; b = −mean, logs = −log(std + 1e-6) on the first batch."""

    def __init__(self, c):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.logs = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.register_buffer("initialized", torch.zeros(1))
        self.pending = True  # mirror of `initialized == 0`, without a tensor read per call

    @torch.no_grad()
    def initialize_from(self, x):
        c = x.shape[1]
        per_channel = x.transpose(0, 1).reshape(c, -1)
        mean = per_channel.mean(1)
        std = (per_channel - mean[:, None]).pow(2).mean(1).sqrt()  # population std, like the Java side
        self.bias.copy_((-mean).view(1, c, 1, 1))
        self.logs.copy_((-torch.log(std + 1e-6)).view(1, c, 1, 1))
        self.initialized.fill_(1.0)
        self.pending = False

    def forward(self, x):
        if self.pending:
            self.initialize_from(x)
        hw = x.shape[2] * x.shape[3]
        return (x + self.bias) * torch.exp(self.logs), (self.logs.sum() * hw).expand(x.shape[0])

    def inverse(self, y):
        hw = y.shape[2] * y.shape[3]
        return y * torch.exp(-self.logs) - self.bias, (-self.logs.sum() * hw).expand(y.shape[0])


def random_rotation(n, generator):
    """Gram–Schmidt over the rows of a Gaussian matrix (RandomRotation.java), float64."""
    q = torch.randn(n, n, generator=generator, dtype=torch.float64)
    for r in range(n):
        for p in range(r):
            q[r] -= torch.dot(q[r], q[p]) * q[p]
        q[r] /= q[r].norm()
    return q


class InvConvLU(FlowLayer):
    """W = P·L·(U + diag(sign·exp(logs))), L unit lower, U strictly upper; log|det W| = Σ logs.

    L and U are stored as full C×C parameters multiplied by fixed 0/1 masks (as in InvConvLu.java);
    the free scalars are C(C−1)/2 + C(C−1)/2 + C = C², which free_parameters() reports.
    """

    def __init__(self, c, generator):
        super().__init__()
        self.c = c
        w0 = random_rotation(c, generator)
        p, l, u = torch.linalg.lu(w0)  # w0 = P·L·U, partial pivoting (DenseLu's convention)
        d = torch.diagonal(u)
        self.lower = nn.Parameter(torch.tril(l, -1).float())
        self.upper = nn.Parameter(torch.triu(u, 1).float())
        self.logs = nn.Parameter(torch.log(d.abs()).float())
        self.register_buffer("perm", p.float())
        self.register_buffer("sign", torch.sign(d).float())
        self.register_buffer("lower_mask", torch.tril(torch.ones(c, c), -1))
        self.register_buffer("upper_mask", torch.triu(torch.ones(c, c), 1))
        self.register_buffer("eye", torch.eye(c))

    def free_parameters(self):
        return self.c * self.c

    def matrix(self):
        l = self.lower * self.lower_mask + self.eye
        u = self.upper * self.upper_mask + torch.diag(self.sign * torch.exp(self.logs))
        return self.perm @ l @ u

    def forward(self, x):
        w = self.matrix()
        ld = (self.logs.sum() * (x.shape[2] * x.shape[3])).expand(x.shape[0])
        return F.conv2d(x, w.view(self.c, self.c, 1, 1)), ld

    def inverse(self, y):
        w_inv = torch.inverse(self.matrix().double()).to(y.dtype)
        ld = (self.logs.sum() * (y.shape[2] * y.shape[3])).expand(y.shape[0])
        return F.conv2d(y, w_inv.view(self.c, self.c, 1, 1)), -ld


class AffineCoupling(FlowLayer):
    """x₁ (first half) conditions x₂: h = NN(x₁), shift = h[:,0::2], scale = σ(h[:,1::2] + 2)."""

    def __init__(self, c, hidden):
        super().__init__()
        self.kept = c // 2
        self.conv1 = hidden_conv(c // 2, hidden, 3)
        self.conv2 = hidden_conv(hidden, hidden, 1)
        self.out = ZeroConv(hidden, 2 * (c - c // 2), 3)

    def net(self, x1):
        return self.out(F.relu(self.conv2(F.relu(self.conv1(x1)))))

    def forward(self, x):
        x1, x2 = x[:, : self.kept], x[:, self.kept:]
        h = self.net(x1)
        raw = h[:, 1::2] + SIGMOID_OFFSET
        y2 = (x2 + h[:, 0::2]) * torch.sigmoid(raw)
        return torch.cat([x1, y2], 1), per_sample(F.logsigmoid(raw))

    def inverse(self, y):
        y1, y2 = y[:, : self.kept], y[:, self.kept:]
        h = self.net(y1)
        raw = h[:, 1::2] + SIGMOID_OFFSET
        x2 = y2 / torch.sigmoid(raw) - h[:, 0::2]
        return torch.cat([y1, x2], 1), -per_sample(F.logsigmoid(raw))


class TupleFlip(FlowLayer):
    """Flow++'s swap of the coupling halves [x₁, x₂] → [x₂, x₁], x₁ the first ⌊C/2⌋ channels:
    y[c] = x[(c + ⌊C/2⌋) mod C] (TupleFlipProvider.java), undone by the opposite rotation."""

    def __init__(self, c):
        super().__init__()
        self.shift = c // 2

    def forward(self, x):
        return torch.roll(x, -self.shift, 1), x.new_zeros(x.shape[0])

    def inverse(self, y):
        return torch.roll(y, self.shift, 1), y.new_zeros(y.shape[0])


WEIGHT_NORM_GATE_SCALE = 0.1  # g of Flow++'s gate convolutions (the authors' init_scale)
POSITION_STD = 0.01


def weight_norm(layer, scale):
    """Weight normalisation (Salimans and Kingma): the kernel g·v/‖v‖ per output channel, v drawn
    N(0, 0.05²), g = scale, bias 0 (WeightNormConv.java)."""
    with torch.no_grad():
        layer.weight.normal_(0.0, HIDDEN_STD)
        layer.bias.zero_()
    layer = nn.utils.weight_norm(layer)
    with torch.no_grad():
        layer.weight_g.fill_(scale)
    return layer


def weight_norm_conv3(cin, cout):
    """A weight-normalised 3×3 'same' convolution with bias, g = 1."""
    return weight_norm(nn.Conv2d(cin, cout, 3, padding=1), 1.0)


def weight_norm_pointwise(cin, cout, scale=1.0):
    """A weight-normalised 1×1 convolution of channels-last activations (…, cin) → (…, cout)."""
    return weight_norm(nn.Linear(cin, cout), scale)


def concat_elu(x):
    """ELU of [x, −x] along the (last) channel axis."""
    return F.elu(torch.cat([x, -x], -1))


def gated(x):
    """a·σ(b) of the channel halves (a, b) of channels-last x."""
    a, b = x.chunk(2, -1)
    return a * torch.sigmoid(b)


class FlowPlusPlusBlock(nn.Module):
    """One residual block of Flow++'s network on channels-last activations (B, H, W, F): a gated
    convolution (concat-ELU, 3×3 conv 2F → F, concat-ELU, dropout, 1×1 conv 2F → 2F, a·σ(b)) added
    and layer-normalised over the channels, then gated multi-head self-attention (positional
    embedding added, 1×1 conv F → 3F to q, k, v, softmax(q·kᵀ/√d)·v per head, dropout, 1×1 conv
    F → 2F, a·σ(b)) added and layer-normalised. Dropout acts in training mode only, at the same
    rate and places as on the Java side, with PyTorch's own F.dropout masks (the Java side draws
    them from its seeded noise stream)."""

    def __init__(self, hidden, heads, dropout):
        super().__init__()
        self.heads = heads
        self.dropout = dropout
        self.scale = 1.0 / math.sqrt(hidden // heads)
        self.conv = weight_norm_conv3(2 * hidden, hidden)
        self.conv_gate = weight_norm_pointwise(2 * hidden, 2 * hidden, WEIGHT_NORM_GATE_SCALE)
        self.conv_norm = nn.LayerNorm(hidden, eps=1e-5)
        self.qkv = weight_norm_pointwise(hidden, 3 * hidden)
        self.attention_gate = weight_norm_pointwise(hidden, 2 * hidden, WEIGHT_NORM_GATE_SCALE)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-5)

    def attention(self, x):
        """Multi-head self-attention over the H·W positions of x (B, H, W, F)."""
        b, h, w, f = x.shape
        d = f // self.heads
        q, k, v = self.qkv(x).reshape(b, h * w, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        weights = torch.softmax((q * self.scale) @ k.transpose(-2, -1), -1)
        return (weights @ v).transpose(1, 2).reshape(b, h, w, f)

    def forward(self, x, position):
        c = self.conv(concat_elu(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        c = F.dropout(concat_elu(c), self.dropout, self.training)
        x = self.conv_norm(x + gated(self.conv_gate(c)))
        a = F.dropout(self.attention(x + position), self.dropout, self.training)
        return self.attention_norm(x + gated(self.attention_gate(a)))


class FlowPlusPlusNetwork(nn.Module):
    """Flow++'s coupling network (FlowPlusPlusNetwork.java): a weight-normalised 3×3 conv
    (cin → F), `blocks` residual blocks sharing a learned positional embedding (H×W×F,
    N(0, 0.01²)), and Glow's zero-initialised 3×3 conv (F → out), so that h = 0 at the start.
    The blocks run channels-last, where the 1×1 convs are matrix products and the layer norms
    act on the last axis."""

    def __init__(self, cin, h, w, out, options):
        super().__init__()
        if options.hidden % options.heads:
            raise ValueError(f"{options.heads} heads do not divide the network's width {options.hidden}")
        self.first = weight_norm_conv3(cin, options.hidden)
        self.position = nn.Parameter(torch.randn(1, h, w, options.hidden) * POSITION_STD)
        self.blocks = nn.ModuleList(FlowPlusPlusBlock(options.hidden, options.heads, options.dropout)
                                    for _ in range(options.blocks))
        self.last = ZeroConv(options.hidden, out, 3)

    def forward(self, x):
        a = self.first(x).permute(0, 2, 3, 1)
        for block in self.blocks:
            a = block(a, self.position)
        return self.last(a.permute(0, 3, 1, 2))


MIN_LOG_SCALE = -7.0  # Flow++'s clamp of the mixture's log-scales
BISECTION_TOLERANCE = 1e-8  # the inverse's absolute error in x (LogisticMixture.TOLERANCE)


class LogisticMixture:
    """K logistics per entry, the mixture along axis 2 of its parameters (B, C, K, H, W):
    F(x) = Σ_k π_k σ(z_k), z_k = (x − μ_k)·e^{−ℓ_k}, π = softmax(logits), ℓ = max(ℓ̃, −7), all in
    log space (LogisticMixture.java)."""

    def __init__(self, logits, means, log_scales):
        self.log_weights = F.log_softmax(logits, 2)
        self.means = means
        self.log_scales = log_scales.clamp(min=MIN_LOG_SCALE)

    def standardised(self, x):
        return (x.unsqueeze(2) - self.means) * torch.exp(-self.log_scales)

    def mixed(self, log_per_component):
        """log Σ_k π_k e^{t_k} of per-component logs t."""
        return torch.logsumexp(self.log_weights + log_per_component, 2)

    def logit_with_slope(self, x):
        """σ⁻¹(F(x)) = log F − log(1 − F) and its log-derivative log f − log F − log(1 − F)."""
        z = self.standardised(x)
        below, above = F.logsigmoid(z), F.logsigmoid(-z)
        log_cdf, log_survival = self.mixed(below), self.mixed(above)
        log_density = self.mixed(below + above - self.log_scales)
        return log_cdf - log_survival, log_density - log_cdf - log_survival

    def logit(self, x):
        z = self.standardised(x)
        return self.mixed(F.logsigmoid(z)) - self.mixed(F.logsigmoid(-z))

    @torch.no_grad()
    def inverse_logit(self, u):
        """x with σ⁻¹(F(x)) = u by bisection: every root lies in [min_k(μ_k + e^{ℓ_k}·min u),
        max_k(μ_k + e^{ℓ_k}·max u)]; that bracket is halved n = ⌈log₂(w/τ)⌉ times, w its widest
        entry, comparing in logit space, and the last midpoint is within τ/2 of the root."""
        scales = torch.exp(self.log_scales)
        low = (self.means + scales * u.min()).amin(2)
        high = (self.means + scales * u.max()).amax(2)
        width = float((high - low).max())
        if not math.isfinite(width):
            raise ArithmeticError(f"the logistic mixture's inverse has no finite bracket (widest {width})")
        halvings = (0 if width <= BISECTION_TOLERANCE
                    else math.ceil(math.log(width / BISECTION_TOLERANCE) / math.log(2)))
        for _ in range(halvings):
            mid = (low + high) * 0.5
            root_above = self.logit(mid) < u
            low = torch.where(root_above, mid, low)
            high = torch.where(root_above, high, mid)
        return (low + high) * 0.5


class MixLogCdfCoupling(FlowLayer):
    """Flow++'s logistic-mixture CDF coupling (MixLogCdfCoupling.java): x₁ (first ⌊C/2⌋ channels)
    conditions y₂ = (σ⁻¹(F(x₂)) + b)·e^{a} through Flow++'s network, whose output holds 3K + 2
    values per channel of x₂ in the order a (raw), b, K logits, K means, K log-scales, with
    a = λ_c·tanh(raw), λ learned per channel from 1. log|det J| = Σ (log f − log F − log(1 − F) + a).
    Identity at initialisation (h = 0); the inverse bisects F."""

    def __init__(self, c, h, w, options):
        super().__init__()
        self.kept = c // 2
        self.components = options.components
        changed = c - self.kept
        self.net = FlowPlusPlusNetwork(self.kept, h, w, changed * (3 * options.components + 2), options)
        self.scale = nn.Parameter(torch.ones(1, changed, 1, 1))

    def transform(self, x1):
        """(mixture, b, a) that the network predicts from x₁."""
        h = self.net(x1)
        k = self.components
        p = h.reshape(h.shape[0], -1, 3 * k + 2, h.shape[2], h.shape[3])
        mixture = LogisticMixture(p[:, :, 2:2 + k], p[:, :, 2 + k:2 + 2 * k], p[:, :, 2 + 2 * k:])
        return mixture, p[:, :, 1], torch.tanh(p[:, :, 0]) * self.scale

    def forward(self, x):
        x1, x2 = x[:, : self.kept], x[:, self.kept:]
        mixture, shift, log_scale = self.transform(x1)
        logit, log_slope = mixture.logit_with_slope(x2)
        y2 = (logit + shift) * torch.exp(log_scale)
        return torch.cat([x1, y2], 1), per_sample(log_slope + log_scale)

    def inverted_half(self, y):
        """(y₁, x₂, mixture, a): x₂ = F⁻¹(σ(y₂·e^{−a} − b)) with one network evaluation."""
        y1, y2 = y[:, : self.kept], y[:, self.kept:]
        mixture, shift, log_scale = self.transform(y1)
        return y1, mixture.inverse_logit(y2 * torch.exp(-log_scale) - shift), mixture, log_scale

    def inverse(self, y):
        y1, x2, mixture, log_scale = self.inverted_half(y)
        log_slope = mixture.logit_with_slope(x2)[1]
        return torch.cat([y1, x2], 1), -per_sample(log_slope + log_scale)

    def invert(self, y):
        y1, x2, _, _ = self.inverted_half(y)
        return torch.cat([y1, x2], 1)


def checkerboard(c, h, w, grid=1):
    """3-D checkerboard: M[c,i,j] = 1 iff (c + ⌊i/g⌋ + ⌊j/g⌋) is even; shape (1, C, H, W)."""
    ci = torch.arange(c).view(c, 1, 1)
    ii = (torch.arange(h) // grid).view(1, h, 1)
    jj = (torch.arange(w) // grid).view(1, 1, w)
    return ((ci + ii + jj) % 2 == 0).float().unsqueeze(0)


def step_mask(c, h, w, step_index):
    """M on even steps of a level, 1 − M on odd ones (LayerMasks.atStep with alternate = true)."""
    m = checkerboard(c, h, w)
    return 1.0 - m if step_index % 2 == 1 else m


class IMap(FlowLayer):
    """iMap with channel mixing: y = S ⊙ x, S = σ(s_c + δ) where M = 1, σ(a_p + δ) where M = 0,
    a = channel mean of Ω(M ⊙ x) + β. log|det J| = Σ log S (block-triangular Jacobian)."""

    def __init__(self, c, h, w, step_index):
        super().__init__()
        self.register_buffer("mask", step_mask(c, h, w, step_index))
        self.omega = hidden_conv(c, c, 1)  # Ω ∈ ℝ^{C×C} with bias β
        self.s = nn.Parameter(torch.zeros(1, c, 1, 1))

    def masked_log_scale(self):
        return F.logsigmoid(self.s + SIGMOID_OFFSET)  # (1, C, 1, 1)

    def log_scale(self, masked):
        a = self.omega(masked).mean(1, keepdim=True)  # (B, 1, H, W)
        unmasked = F.logsigmoid(a + SIGMOID_OFFSET)
        return unmasked + self.mask * (self.masked_log_scale() - unmasked)  # (B, C, H, W)

    def forward(self, x):
        ls = self.log_scale(x * self.mask)
        return x * torch.exp(ls), per_sample(ls)

    def inverse(self, y):
        x_masked = y * self.mask * torch.exp(-self.masked_log_scale())
        ls = self.log_scale(x_masked)
        return y * torch.exp(-ls), -per_sample(ls)


def patch_tokens(x, p):
    """(B, C, H, W) → (B, N, d): P×P patches in row-major order, (channel, row, column) features."""
    b, c, h, w = x.shape
    return x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5).reshape(b, (h // p) * (w // p), c * p * p)


def patch_image(t, c, h, w, p):
    """(B, N, d) → (B, C, H, W), the inverse of patch_tokens."""
    b = t.shape[0]
    return t.reshape(b, h // p, w // p, c, p, p).permute(0, 3, 1, 4, 2, 5).reshape(b, c, h, w)


class ITrans(FlowLayer):
    """iTrans between P×P patch tokens: A = softmax(QKᵀ/√d), W = A + λI (paper, λ = 1 fixed) or
    W = I + σ(r)·A (gated), y = M ⊙ x + unpatchify(W · patchify((1 − M) ⊙ x)).

    log|det J| = u · log det W per sample, u = unmasked features per token (= d/2). This is the
    natural PyTorch eager implementation: torch.linalg.slogdet for log det W and
    torch.linalg.solve for the inverse (both LU with partial pivoting in LAPACK; the Java side
    writes its own unpivoted batched LU, valid because W is diagonally dominant).
    """

    def __init__(self, c, h, w, step_index, patch=2, gated=False, gate_init=-4.0, lam=1.0):
        super().__init__()
        if h % patch or w % patch:
            raise ValueError(f"patch {patch} does not tile {c}x{h}x{w}")
        self.c, self.h, self.w, self.p = c, h, w, patch
        self.n = (h // patch) * (w // patch)
        self.d = c * patch * patch
        mask = step_mask(c, h, w, step_index)
        tok = self.tokens(mask)[0]
        if not bool((tok == tok[0:1]).all()):
            raise ValueError("iTrans needs the same mask pattern in every patch")
        self.register_buffer("mask", mask)
        self.unmasked_per_token = float((1.0 - mask).sum().item()) / self.n
        self.queries = hidden_conv(c, c, 1)
        self.keys = hidden_conv(c, c, 1)
        self.scale = 1.0 / math.sqrt(self.d)
        self.gated = gated
        self.lam = lam
        if gated:
            self.gate = nn.Parameter(torch.tensor([gate_init]))
        self.register_buffer("eye", torch.eye(self.n))

    def tokens(self, x):
        return patch_tokens(x, self.p)

    def image(self, t):
        return patch_image(t, self.c, self.h, self.w, self.p)

    def weights(self, kept):
        q = self.tokens(self.queries(kept))
        k = self.tokens(self.keys(kept))
        a = torch.softmax(q @ k.transpose(1, 2) * self.scale, dim=2)
        if self.gated:
            return self.eye + torch.sigmoid(self.gate) * a
        return a + self.lam * self.eye

    def log_det(self, w):
        sign, logabs = torch.linalg.slogdet(w)  # det W > 0: W is strictly diagonally dominant
        return logabs * self.unmasked_per_token

    def forward(self, x):
        kept = x * self.mask
        w = self.weights(kept)
        mixed = w @ self.tokens(x - kept)  # masked features of V are 0 and stay 0 in W·V
        return kept + self.image(mixed), self.log_det(w)

    def inverse(self, y):
        kept = y * self.mask
        w = self.weights(kept)
        v = torch.linalg.solve(w, self.tokens(y - kept))
        return kept + self.image(v), -self.log_det(w)


def dense(cin, cout):
    """A linear map of the last axis with N(0, 1/cin) weights and bias 0 (the Java Dense.hidden)."""
    layer = nn.Linear(cin, cout)
    with torch.no_grad():
        layer.weight.normal_(0.0, 1.0 / math.sqrt(cin))
        layer.bias.zero_()
    return layer


class TransformerLayer(nn.Module):
    """Pre-norm: h + W_o·attention(LN(h)), then h + MLP(LN(h)), MLP width → ratio·width → width
    around an (exact) GELU; scores q·kᵀ/√depth per head, plus an additive causal mask, or, in
    step(), one new token against the cached keys and values."""

    def __init__(self, width, heads, ratio):
        super().__init__()
        self.heads, self.depth = heads, width // heads
        self.attention_norm = nn.LayerNorm(width, eps=1e-5)
        self.qkv = dense(width, 3 * width)
        self.attention_out = dense(width, width)
        self.mlp_norm = nn.LayerNorm(width, eps=1e-5)
        self.mlp_in = dense(width, ratio * width)
        self.mlp_out = dense(ratio * width, width)

    def split(self, h):
        b, t, _ = h.shape
        return self.qkv(self.attention_norm(h)).reshape(b, t, 3, self.heads, self.depth).permute(2, 0, 3, 1, 4)

    def attended(self, h, q, k, v, mask=None):
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.depth)
        if mask is not None:
            scores = scores + mask
        o = torch.softmax(scores, -1) @ v
        b, _, t, _ = o.shape
        h = h + self.attention_out(o.transpose(1, 2).reshape(b, t, self.heads * self.depth))
        return h + self.mlp_out(F.gelu(self.mlp_in(self.mlp_norm(h))))

    def forward(self, h, mask):
        q, k, v = self.split(h)
        return self.attended(h, q, k, v, mask)

    def step(self, h, cache):
        q, k, v = self.split(h)
        cache[0] = k if cache[0] is None else torch.cat([cache[0], k], 2)
        cache[1] = v if cache[1] is None else torch.cat([cache[1], v], 2)
        return self.attended(h, q, cache[0], cache[1])


class CausalTransformer(nn.Module):
    """Linear embedding d → width plus a learned positional embedding, TransformerLayers with a
    causal mask, and a zero-initialised linear head width → out: output t depends on tokens ≤ t."""

    def __init__(self, d, out, positions, o):
        super().__init__()
        self.embedding = dense(d, o.width)
        self.position = nn.Parameter(torch.randn(positions, o.width) * POSITION_STD)
        self.register_buffer("mask", torch.triu(torch.full((positions, positions), MASKED_LOGIT), 1))
        self.layers = nn.ModuleList([TransformerLayer(o.width, o.heads, o.mlp_ratio) for _ in range(o.depth)])
        self.head = nn.Linear(o.width, out)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()

    def forward(self, tokens):
        t = tokens.shape[1]
        h = self.embedding(tokens) + self.position[:t]
        for layer in self.layers:
            h = layer(h, self.mask[:t, :t])
        return self.head(h)

    def step(self, token, index, caches):
        h = self.embedding(token) + self.position[index:index + 1]
        for layer, cache in zip(self.layers, caches):
            h = layer.step(h, cache)
        return self.head(h)


class TarFlowBlock(FlowLayer):
    """TarFlow: P×P patch tokens, row-major or (odd steps) reversed; z₀ = x₀ and
    zᵢ = (xᵢ − μᵢ)·exp(−αᵢ) with (αᵢ, μᵢ) the causal Transformer's output at token i − 1 (it reads
    tokens 0 … N − 2); log|det J| = −Σα. The inverse decodes token by token with cached keys and
    values, as the Java `inverse = cached`."""

    def __init__(self, c, h, w, step_index, o):
        super().__init__()
        if h % o.patch or w % o.patch:
            raise ValueError(f"patch {o.patch} does not tile {c}x{h}x{w}")
        self.c, self.h, self.w, self.p = c, h, w, o.patch
        self.n = (h // o.patch) * (w // o.patch)
        self.d = c * o.patch * o.patch
        self.reversed = step_index % 2 == 1
        self.net = CausalTransformer(self.d, 2 * self.d, self.n - 1, o)

    def ordered(self, t):
        return t.flip(1) if self.reversed else t

    def forward(self, x):
        t = self.ordered(patch_tokens(x, self.p))
        a, mu = self.net(t[:, :-1]).chunk(2, -1)
        z = torch.cat([t[:, :1], (t[:, 1:] - mu) * torch.exp(-a)], 1)
        return patch_image(self.ordered(z), self.c, self.h, self.w, self.p), -per_sample(a)

    def decode(self, y):
        z = self.ordered(patch_tokens(y, self.p))
        caches = [[None, None] for _ in self.net.layers]
        known, scales = [z[:, :1]], []
        for i in range(1, self.n):
            a, mu = self.net.step(known[-1], i - 1, caches).chunk(2, -1)
            known.append(z[:, i:i + 1] * torch.exp(a) + mu)
            scales.append(a)
        x = patch_image(self.ordered(torch.cat(known, 1)), self.c, self.h, self.w, self.p)
        return x, scales

    def inverse(self, y):
        x, scales = self.decode(y)
        return x, per_sample(torch.cat(scales, 1))

    def invert(self, y):
        return self.decode(y)[0]


# ---------------------------------------------------------------------------------------------
# Priors. Every prior gives log_prob(z, condition) -> [B] and draws sample(condition, n,
# temperature, generator, dtype); condition is the kept half of a split, or None at the top.
# ---------------------------------------------------------------------------------------------

def gaussian_log_density(z, mean, logstd):
    scaled = (z - mean) * torch.exp(-logstd)
    return per_sample(-0.5 * (scaled * scaled + 2.0 * logstd + LOG_2PI))


class StandardNormalPrior(nn.Module):
    """N(0, I) over a latent of `shape` (C, H, W); samples T·ε."""

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def log_prob(self, z, condition=None):
        return per_sample(-0.5 * (z * z + LOG_2PI))

    def sample(self, condition, n, temperature, generator, dtype):
        return torch.randn((n,) + self.shape, generator=generator, dtype=dtype) * temperature


class ConditionalGaussianPrior(nn.Module):
    """Glow's split prior: N(mean, exp(logstd)²), [mean, logstd] = h[:,0::2], h[:,1::2] of a
    zero-initialised 3×3 conv (exp(3·logs) scale) of the kept half."""

    def __init__(self, c_latent, c_condition):
        super().__init__()
        self.net = ZeroConv(c_condition, 2 * c_latent, 3)

    def params(self, condition):
        h = self.net(condition)
        return h[:, 0::2], h[:, 1::2]

    def log_prob(self, z, condition):
        return gaussian_log_density(z, *self.params(condition))

    def sample(self, condition, n, temperature, generator, dtype):
        mean, logstd = self.params(condition)
        eps = torch.randn(mean.shape, generator=generator, dtype=dtype)
        return mean + eps * torch.exp(logstd) * temperature


class MarFlowOptions(NamedTuple):
    """The architecture of a MaRFlow prior (the `marflow` prior's keys; defaults of marflow32)."""
    layers: int = 3
    hidden: int = 32
    kernel: int = 3
    dilation: int = 1
    embed: int = 32


class ConvLstmCell(nn.Module):
    """A ConvLSTM layer: gates [i, f, o, g] = conv_k([input, h_{t−1}]) (dilation d, 'same'),
    c_t = σ(f)⊙c_{t−1} + σ(i)⊙tanh(g), h_t = σ(o)⊙tanh(c_t), h₋₁ = c₋₁ = 0.

    The gate convolution over the concatenation is held as its two parts, `input` (with the
    bias) and `recurrent` (no bias): the same linear map and parameters as the Java cell's one
    weight, so the input part runs once for all time steps. Weights N(0, 0.05²); bias 0 but the
    forget gate's, 1.
    """

    def __init__(self, inputs, hidden, kernel, dilation):
        super().__init__()
        self.hidden = hidden
        self.input = hidden_conv(inputs, 4 * hidden, kernel, dilation)
        self.recurrent = hidden_conv(hidden, 4 * hidden, kernel, dilation, bias=False)
        with torch.no_grad():
            self.input.bias[hidden:2 * hidden].fill_(1.0)

    def step(self, gates, state):
        """One time step from the input's gates (bias included); state (h, c) or None at t = 0."""
        if state is not None:
            gates = gates + self.recurrent(state[0])
        i, f, o = torch.sigmoid(gates[:, :3 * self.hidden]).chunk(3, 1)
        candidate = i * torch.tanh(gates[:, 3 * self.hidden:])
        c = candidate if state is None else f * state[1] + candidate
        return o * torch.tanh(c), c


class MarFlowPrior(nn.Module):
    """The mAR-SCF prior (MarFlowPrior.java): p(z | u) = Π_c N(z_c; μ_c, σ_c²), (μ_c, log σ_c)
    from a zero-initialised k×k conv (hidden → 2, exp(3·logs) scale) of the top hidden state of
    a ConvLSTM stack run over the channels c. The lowest layer's input at step c is z_{c−1}
    (zeros at c = 0) joined with e = ReLU(conv_k(u)) for a split prior; e's share of the gates is
    the same at every step, so it is computed once (`condition_gates`, part of layer 0's gate
    weight). log_prob runs all C steps on the true channels (teacher forcing), time-major
    (C·B, ...), so that only the recurrent convolutions run step by step; sampling runs channel
    by channel, z_c = μ_c + T·σ_c·ε_c, with ε drawn for all channels first."""

    def __init__(self, shape, c_condition=None, options=MarFlowOptions()):
        super().__init__()
        o = options
        self.shape = tuple(shape)
        self.embedding = None if c_condition is None else hidden_conv(c_condition, o.embed, o.kernel)
        self.condition_gates = (None if c_condition is None
                                else hidden_conv(o.embed, 4 * o.hidden, o.kernel, o.dilation, bias=False))
        self.cells = nn.ModuleList(ConvLstmCell(1 if l == 0 else o.hidden, o.hidden, o.kernel, o.dilation)
                                   for l in range(o.layers))
        self.output = ZeroConv(o.hidden, 2, o.kernel)

    def embedded_gates(self, condition):
        if (condition is None) != (self.embedding is None):
            raise ValueError("a split's marflow prior needs the kept half, the top one takes none")
        return None if condition is None else self.condition_gates(F.relu(self.embedding(condition)))

    def params(self, z, condition):
        """(μ, log σ) of every channel of z given z_<c (teacher forcing), each (B, C, H, W)."""
        b, c, h, w = z.shape
        extra = self.embedded_gates(condition)
        x = F.pad(z[:, :-1], (0, 0, 0, 0, 1, 0)).transpose(0, 1).reshape(c * b, 1, h, w)
        for l, cell in enumerate(self.cells):
            gates = cell.input(x).view(c, b, -1, h, w)
            if l == 0 and extra is not None:
                gates = gates + extra
            state, hidden = None, []
            for t in range(c):
                state = cell.step(gates[t], state)
                hidden.append(state[0])
            x = torch.cat(hidden, 0)
        p = self.output(x).view(c, b, 2, h, w).transpose(0, 1)
        return p[:, :, 0], p[:, :, 1]

    def log_prob(self, z, condition):
        return gaussian_log_density(z, *self.params(z, condition))

    def sample(self, condition, n, temperature, generator, dtype):
        c, h, w = self.shape
        eps = torch.randn((n, c, h, w), generator=generator, dtype=dtype)
        extra = self.embedded_gates(condition)
        states = [None] * len(self.cells)
        x = torch.zeros((n, 1, h, w), dtype=dtype)
        channels = []
        for t in range(c):
            for l, cell in enumerate(self.cells):
                gates = cell.input(x)
                if l == 0 and extra is not None:
                    gates = gates + extra
                states[l] = cell.step(gates, states[l])
                x = states[l][0]
            p = self.output(x)
            x = p[:, :1] + eps[:, t:t + 1] * torch.exp(p[:, 1:]) * temperature
            channels.append(x)
        return torch.cat(channels, 1)


class Split(nn.Module):
    """z₁ = first half (kept), z₂ = second half, with its log-likelihood under `prior` given z₁;
    the inverse samples z₂ from the prior when it is not given."""

    def __init__(self, c, prior):
        super().__init__()
        self.kept = c // 2
        self.prior = prior

    def forward(self, x):
        z1, z2 = x[:, : self.kept], x[:, self.kept:]
        return z1, z2, self.prior.log_prob(z2, z1)

    def inverse(self, z1, z2=None, temperature=1.0, generator=None):
        if z2 is None:
            z2 = self.prior.sample(z1, z1.shape[0], temperature, generator, z1.dtype)
        return torch.cat([z1, z2], 1)


class Flow(nn.Module):
    """Multi-scale Glow: per level squeeze, K × [ActNorm, InvConvLU, coupling, attention, flip],
    split (all levels but the last). coupling = None: AffineCoupling (Glow's network, `hidden`
    wide), no flip; MixLogCdfOptions: MixLogCdfCoupling, then a TupleFlip. priors = "glow":
    conditional Gaussian split priors and a standard normal on the final latent; "marflow":
    MaRFlow priors with `marflow` options for both, the split priors conditioned on the kept half.
    With `tarflow` options, each step is a TarFlowBlock instead (after an ActNorm if they ask).
    Initialisation, evaluation and sampling run in eval mode (no dropout), training in train mode."""

    def __init__(self, attention=None, priors="glow", input_shape=(1, 32, 32), levels=3, steps=8,
                 hidden=64, patch=2, seed=0, smaller_patch_ok=False, marflow=MarFlowOptions(), coupling=None,
                 tarflow=None):
        super().__init__()
        generator = torch.Generator().manual_seed(seed)  # rotations
        torch.manual_seed(seed)  # N(0, 0.05²) weights
        self.input_shape = tuple(input_shape)
        self.dims = int(np.prod(input_shape))
        c, h, w = input_shape
        layers = []
        for level in range(levels):
            layers.append(Squeeze())
            c, h, w = 4 * c, h // 2, w // 2
            for k in range(steps):
                if tarflow is not None:
                    layers += ([ActNorm(c)] if tarflow.actnorm else []) + [TarFlowBlock(c, h, w, k, tarflow)]
                    continue
                layers += [ActNorm(c), InvConvLU(c, generator),
                           AffineCoupling(c, hidden) if coupling is None else MixLogCdfCoupling(c, h, w, coupling)]
                if attention == "imap":
                    layers.append(IMap(c, h, w, k))
                elif attention in ("itrans", "itrans-gated"):
                    # smaller_patch_ok (self-test only): P = 1 on maps that P does not tile.
                    p = patch if (h % patch == 0 and w % patch == 0) or not smaller_patch_ok else 1
                    layers.append(ITrans(c, h, w, k, patch=p, gated=attention == "itrans-gated"))
                elif attention is not None:
                    raise ValueError(attention)
                if coupling is not None:
                    layers.append(TupleFlip(c))
            if level < levels - 1:
                kept = c // 2
                layers.append(Split(c, split_prior(priors, (c - kept, h, w), kept, marflow)))
                c = kept
        self.layers = nn.ModuleList(layers)
        self.top_prior = top_prior(priors, (c, h, w), marflow)

    def free_parameters(self):
        total = 0
        counted = set()
        for m in self.modules():
            if isinstance(m, InvConvLU):
                total += m.free_parameters()
                counted.update(id(p) for p in m.parameters(recurse=False))
        for p in self.parameters():
            if p.requires_grad and id(p) not in counted:
                total += p.numel()
        return total

    @torch.no_grad()
    def initialize_from_data(self, x):
        """ActNorm's data-dependent initialisation, a forward pass in eval mode (no dropout)."""
        for m in self.modules():
            if isinstance(m, ActNorm):
                m.pending = True
        training = self.training
        self.eval()
        self.encode(x)
        self.train(training)

    def encode(self, x):
        """Returns (latents [z₂ of each split..., final z], log|det J| [B], log prior [B])."""
        h = x
        logdet = x.new_zeros(x.shape[0])
        logprior = x.new_zeros(x.shape[0])
        latents = []
        for layer in self.layers:
            if isinstance(layer, Split):
                h, z2, lp = layer(h)
                latents.append(z2)
                logprior = logprior + lp
            else:
                h, ld = layer(h)
                logdet = logdet + ld
        latents.append(h)
        return latents, logdet, logprior + self.top_prior.log_prob(h, None)

    def decode(self, latents=None, n=None, temperature=1.0, generator=None, dtype=torch.float32):
        if latents is None:
            h = self.top_prior.sample(None, n, temperature, generator, dtype)
            factored = None
        else:
            h = latents[-1]
            factored = list(latents[:-1])
        for layer in reversed(self.layers):
            if isinstance(layer, Split):
                z2 = factored.pop() if factored is not None else None
                h = layer.inverse(h, z2, temperature, generator)
            else:
                h = layer.invert(h)
        return h

    def bits_per_dim(self, x):
        _, logdet, logprior = self.encode(x)
        d = self.dims
        return (d * math.log(256.0) - (logdet + logprior)) / (d * math.log(2.0))


def split_prior(priors, shape, c_kept, marflow):
    """The prior of a split's factored-out half of `shape` given the kept half."""
    if priors == "glow":
        return ConditionalGaussianPrior(shape[0], c_kept)
    if priors == "marflow":
        return MarFlowPrior(shape, c_kept, marflow)
    raise ValueError(f"unknown priors {priors!r}")


def top_prior(priors, shape, marflow):
    """The prior of the final latent of `shape`."""
    if priors == "glow":
        return StandardNormalPrior(shape)
    if priors == "marflow":
        return MarFlowPrior(shape, None, marflow)
    raise ValueError(f"unknown priors {priors!r}")


def build(workload, seed=0):
    w = WORKLOADS[workload]
    return Flow(w.attention, w.priors, levels=w.levels, steps=w.steps, seed=seed, coupling=w.coupling, tarflow=w.tarflow)


# ---------------------------------------------------------------------------------------------
# Data: Fashion-MNIST IDX .gz, padded 2 → 1×32×32, uniform dequantisation on a 2⁻¹⁶ grid.
# ---------------------------------------------------------------------------------------------

def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2051:
        raise ValueError(f"{path}: not an IDX image file (magic {magic})")
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 1, rows, cols)
    return np.pad(images, ((0, 0), (0, 0), (2, 2), (2, 2)))  # zero padding → 1×32×32


def dequantise(pixels, rng):
    """x = (x_int + u)/256 − 0.5, u on a 2⁻¹⁶ grid (exact in float32, strictly below 0.5)."""
    u = rng.integers(0, 1 << 16, size=pixels.shape, dtype=np.int64)
    fixed = (pixels.astype(np.int64) << 16) | u
    return (fixed.astype(np.float32) * np.float32(2.0 ** -24) - np.float32(0.5)).astype(np.float32)


class TrainBatches:
    """Batch b holds positions [bB, (b+1)B) of the epoch sequence, reshuffled every epoch."""

    def __init__(self, images, batch, seed):
        self.images = images
        self.batch = batch
        self.order_rng = np.random.default_rng([seed, 1])
        self.noise_rng = np.random.default_rng([seed, 2])
        self.order = np.empty(0, dtype=np.int64)

    def next(self):
        while len(self.order) < self.batch:
            self.order = np.concatenate([self.order, self.order_rng.permutation(len(self.images))])
        idx, self.order = self.order[: self.batch], self.order[self.batch:]
        return dequantise(self.images[idx], self.noise_rng)


# ---------------------------------------------------------------------------------------------
# Measurements.
# ---------------------------------------------------------------------------------------------

def resident_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


NETLIB_BLAS_DIR = "/blas/"  # Debian's reference BLAS: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3


def blas_library():
    """The path of the BLAS this process has loaded, or "unknown". Debian's python3-torch
    links libblas.so.3, which is whatever the alternatives system points to: without an optimised
    BLAS installed it is the unoptimised reference BLAS, and every matrix product of the
    reference (the linear layers of tarflow32, iTrans's attention) runs about ten times slower,
    which would make any Java/PyTorch ratio meaningless."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if os.path.basename(line.split()[-1]).startswith("libblas")}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) if paths else "unknown"


def warn_if_reference_blas(blas):
    if NETLIB_BLAS_DIR in blas:
        print(f"attnflow_bench.py: warning: PyTorch uses the unoptimised reference BLAS ({blas}); matrix "
              "products run many times slower than with an optimised one: install Debian's "
              "libopenblas0-openmp (see bench/pytorch/README.md) before comparing speeds",
              file=sys.stderr)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def quantise(x):
    """Images.quantise: floor((x + 0.5)·256) clamped to 0..255 (NaN → 0), as uint8."""
    q = torch.floor((x + 0.5) * 256.0)
    q = torch.nan_to_num(q, nan=0.0).clamp(0, 255)
    return q.to(torch.uint8)


class Turns:
    """Takes turns with the Java benchmark, unit by unit, through the named pipes DIR/pytorch
    (read) and DIR/java (write): the mirror of flow-cli's Turns class, set up by
    bench/side-by-side.sh. The side that finishes first sends "f" and waits for the other's "d".
    Without a folder every call does nothing."""

    def __init__(self, folder):
        self.folder, self.mine, self.theirs = folder, None, None
        self.alone = self.other_waits = self.closed = False

    def take(self):
        if self.folder is None or self.alone:
            return
        if self.mine is None:
            # read-write opens of a pipe do not wait for the other end (Linux)
            self.mine = os.open(os.path.join(self.folder, "pytorch"), os.O_RDWR)
            self.theirs = os.open(os.path.join(self.folder, "java"), os.O_RDWR)
            open(os.path.join(self.folder, "pytorch.ready"), "x").close()
        b = os.read(self.mine, 1)
        if b == b"f":
            self.alone = self.other_waits = True
        elif b in (b"d", b""):
            self.alone = True
        elif b != b"t":
            raise RuntimeError(f"{self.folder}/pytorch: expected a turn token, read {b!r}")

    def give(self):
        if self.theirs is not None and not self.alone:
            os.write(self.theirs, b"t")

    def close(self):
        if self.closed or self.mine is None:
            return
        self.closed = True
        if not self.alone:
            os.write(self.theirs, b"f")
            while os.read(self.mine, 1) not in (b"d", b""):
                pass
        elif self.other_waits:
            os.write(self.theirs, b"d")
        os.close(self.mine)
        os.close(self.theirs)


class EngineCount:
    """Engine calls and the share of wall time outside them over some units of work (training
    steps or sampling batches) run under the engine's operator profiler: PyTorch's legacy
    profiler, the one DJL's engine uses, so both sides write the same trace format. The trace
    goes to `trace`, or to a temporary file when that is None; profile_summary.engine_calls reads
    it (docs/benchmarks.md, "Engine calls and time outside kernels")."""

    def __init__(self, trace=None):
        self.trace = trace
        self.profiler = profiler_legacy.profile(record_shapes=True)
        self.profiler.__enter__()
        self.wall_seconds = 0.0
        self.units = 0

    def add(self, seconds):
        """Counts one unit of work that took `seconds` of wall time."""
        self.wall_seconds += seconds
        self.units += 1

    def stop(self):
        """(engine calls per unit, outside-kernel share)."""
        self.profiler.__exit__(None, None, None)
        path = self.trace
        if not path:
            handle, path = tempfile.mkstemp(suffix=".json")
            os.close(handle)
        try:
            self.profiler.export_chrome_trace(path)
            calls, micros = engine_calls(load(path))
        finally:
            if not self.trace:
                os.remove(path)
        return round(calls / self.units, 1), round(1 - micros / 1e6 / self.wall_seconds, 3)


def sampling_trace(profile):
    """Where the counted sampling batch's trace goes: next to the training trace, or nowhere."""
    if not profile:
        return None
    root, ext = os.path.splitext(profile)
    return root + "-sampling" + (ext or ".json")


def sample_batch(model, batch, temperature, seed):
    return quantise(model.decode(n=batch, temperature=temperature, generator=torch.Generator().manual_seed(seed)))


@torch.no_grad()
def time_sampling(model, seed, batches=10, batch=64, temperature=0.7, profile=None, turns=Turns(None)):
    """(images per second over `batches` timed batches, engine calls per batch, outside-kernel
    share) with the last two counted over one more batch after the timed ones."""
    model.eval()
    sample_batch(model, batch, temperature, seed)
    elapsed = 0.0
    for i in range(batches):
        turns.give()
        turns.take()
        begin = time.perf_counter()
        images = sample_batch(model, batch, temperature, seed + 1 + i)
        elapsed += time.perf_counter() - begin
        assert images.shape[0] == batch
    count = EngineCount(sampling_trace(profile))
    begin = time.perf_counter()
    sample_batch(model, batch, temperature, seed)
    count.add(time.perf_counter() - begin)
    calls, outside = count.stop()
    model.train()
    return batches * batch / elapsed, calls, outside


@torch.no_grad()
def evaluate(model, test_images, seed, batch=500):
    model.eval()
    rng = np.random.default_rng([seed, 3])
    values = []
    for start in range(0, len(test_images), batch):
        x = torch.from_numpy(dequantise(test_images[start:start + batch], rng))
        values.append(model.bits_per_dim(x).double())
    model.train()
    bpd = torch.cat(values).numpy()
    n = len(bpd)
    mean = float(bpd.mean())
    s = float(bpd.std(ddof=1)) if n > 1 else 0.0
    return mean, 1.96 * s / math.sqrt(n), n


def train(args):
    blas = blas_library()
    warn_if_reference_blas(blas)
    torch.manual_seed(args.seed)
    expected = WORKLOADS[args.workload].parameters
    model = build(args.workload, args.seed)
    count = model.free_parameters()
    assert count == expected, f"{args.workload}: {count} free parameters, docs/benchmarks.md says {expected}"

    train_images = read_idx_images(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz"))
    batches = TrainBatches(train_images, args.batch, args.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)

    first = batches.next()
    model.initialize_from_data(torch.tensor(first))  # ActNorm data-dependent init, not timed

    throughput, trajectory = [], []
    rss_at_100 = rss_at_end = None
    sample_rate = sample_error = None
    pending = first
    counting = None
    step_calls = step_outside = sample_calls = sample_outside = None
    turns = Turns(args.take_turns)
    turns.take()
    for step in range(args.steps):  # 0-based; reported steps are 1-based like the Java trainer
        if step > 0:
            turns.give()
            turns.take()
        if step + 1 == COUNTED_STEPS[0]:
            counting = EngineCount(args.profile)
        batch_np = pending if pending is not None else batches.next()  # prepared outside the timer
        pending = None                                                  # (Java prefetches it)
        begin = time.perf_counter()
        x = torch.tensor(batch_np)  # data-to-tensor (a copy, like NDManager.create)
        loss = model.bits_per_dim(x).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = math.sqrt(sum(float(p.grad.pow(2).sum()) for p in params if p.grad is not None))
        loss_value = float(loss)
        if not (math.isfinite(loss_value) and math.isfinite(norm)):
            raise FloatingPointError(f"step {step + 1}: loss {loss_value}, gradient norm {norm}")
        if args.clip > 0 and norm > args.clip:
            with torch.no_grad():
                for p in params:
                    if p.grad is not None:
                        p.grad.mul_(args.clip / norm)
        lr = args.lr * min(1.0, (step + 1) / args.warmup) if args.warmup > 0 else args.lr
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.step()
        seconds = time.perf_counter() - begin
        done = step + 1
        rate = args.batch / seconds
        if 10 <= done <= 60:
            throughput.append(rate)
        trajectory.append(loss_value)
        if done % args.log_every == 0 or done == 1 or done == args.steps:
            print(f"step {done:5d}  bpd {loss_value:8.4f}  grad-norm {norm:9.3f}  lr {lr:.2e}  "
                  f"{rate:7.1f} img/s", file=sys.stderr, flush=True)
        if counting is not None:
            counting.add(seconds)
            if done == COUNTED_STEPS[1]:
                step_calls, step_outside = counting.stop()
                counting = None
        if done == 100:
            rss_at_100 = resident_mb()
        if done == args.steps:
            rss_at_end = resident_mb()
            try:
                sample_rate, sample_calls, sample_outside = time_sampling(model, args.seed, profile=args.profile,
                                                                          turns=turns)
            except RuntimeError as e:
                # a model whose inverse breaks down (the paper's iTrans meets a singular W) still
                # gets its other figures, as on the Java side
                sample_error = str(e).splitlines()[0]
                model.train()
            turns.close()

    test_bpd = ci95 = None
    if args.eval:
        test_images = read_idx_images(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"))
        test_bpd, ci95, _ = evaluate(model, test_images, args.seed)

    result = {
        "workload": args.workload,
        "date": datetime.date.today().isoformat(),
        "steps": args.steps,
        "train_images_per_s": round(float(np.median(throughput)), 1),
        "sample_images_per_s": None if sample_rate is None else round(sample_rate, 1),
        **({"sample_error": sample_error} if sample_error else {}),
        "test_bpd": None if test_bpd is None else round(test_bpd, 4),
        "test_bpd_ci95": None if ci95 is None else round(ci95, 4),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "native_growth_mb": None if rss_at_100 is None else round(rss_at_end - rss_at_100, 1),
        "parameters": count,
        # The Java side prints OMP_NUM_THREADS as a string ("engine default" when unset).
        "threads": str(args.threads),
        "engine_calls_per_step": step_calls,
        "outside_kernel_share": step_outside,
        "engine_calls_per_sample_batch": sample_calls,
        "sample_outside_kernel_share": sample_outside,
        "blas": blas,
    }
    print(json.dumps(result, ensure_ascii=False))
    print()
    for k, v in result.items():
        print(f"  {k:<24s} {'null' if v is None else v}")
    if args.trajectory:
        with open(args.trajectory, "w") as f:
            for i, v in enumerate(trajectory):
                f.write(f"{i + 1}\t{v:.6f}\n")
    return result


# ---------------------------------------------------------------------------------------------
# Self-tests.
# ---------------------------------------------------------------------------------------------

def perturb(model, std, seed):
    """Moves every trainable parameter off its initial value, so zero-initialised parts act."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=g, dtype=p.dtype) * std)


def all_latents_flat(model, x):
    latents, logdet, _ = model.encode(x)
    return torch.cat([z.reshape(z.shape[0], -1) for z in latents], 1), logdet


def jacobian_check(model, shape, seed, samples=2):
    """Max |log|det ∂z/∂x| (brute force) − Σ layer log-dets| over a few samples, float64."""
    g = torch.Generator().manual_seed(seed)
    worst = 0.0
    for _ in range(samples):
        x = torch.rand((1,) + tuple(shape), generator=g, dtype=torch.float64) - 0.5

        def f(flat):
            return all_latents_flat(model, flat.view((1,) + tuple(shape)))[0][0]

        jac = torch.autograd.functional.jacobian(f, x.reshape(-1))
        sign, brute = torch.linalg.slogdet(jac)
        _, logdet = all_latents_flat(model, x)
        worst = max(worst, abs(float(brute) - float(logdet[0])))
    return worst


def layer_jacobian_check(layer, shape, seed, pass_seed=None):
    """(|brute-force log|det J| − the layer's log-det|, round-trip error, |forward + inverse
    log-det|) on one float64 sample. With pass_seed, PyTorch's generator is reseeded before every
    pass, so that a layer in train mode drops the same activations out in each of them."""
    def pass_of(method, v):
        if pass_seed is not None:
            torch.manual_seed(pass_seed)
        return method(v)

    g = torch.Generator().manual_seed(seed)
    x = torch.rand((1,) + tuple(shape), generator=g, dtype=torch.float64) - 0.5
    jac = torch.autograd.functional.jacobian(lambda v: pass_of(layer, v.view((1,) + tuple(shape)))[0].reshape(-1),
                                             x.reshape(-1))
    _, brute = torch.linalg.slogdet(jac)
    y, ld = pass_of(layer, x)
    back, ld_inv = pass_of(layer.inverse, y)
    return abs(float(brute) - float(ld[0])), float((back - x).abs().max()), abs(float(ld[0] + ld_inv[0]))


TINY_MARFLOW = MarFlowOptions(layers=2, hidden=4, kernel=3, dilation=1, embed=3)
TINY_MIXLOGCDF = MixLogCdfOptions(hidden=8, components=3, blocks=1, heads=2, dropout=0.2)
TINY_TARFLOW = TarFlowOptions(patch=1, width=8, depth=2, heads=2, mlp_ratio=2)


def tarflow_checks(seed):
    """A TarFlow block alone in float64 (width 8, depth 2, parameters moved by N(0, 0.05²)) on
    4×4×4 and 2×8×8 with P = 2, in both orders: the brute-force Jacobian, the round trip and the
    inverse log-det; the cached inverse against one that recomputes the network over every known
    token; and the identity at initialisation."""
    checks = {}
    passed = True
    options = TINY_TARFLOW._replace(patch=2)
    for shape in ((4, 4, 4), (2, 8, 8)):
        for k in (0, 1):
            c, h, w = shape
            layer = TarFlowBlock(c, h, w, k, options).double()
            with torch.no_grad():
                x = torch.randn(2, c, h, w, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
                identity = float((layer(x)[0] - x).abs().max())
            perturb(layer, 0.05, seed + k)
            err_ld, err_rt, err_inv = layer_jacobian_check(layer, shape, seed + 2)
            with torch.no_grad():
                y = layer(x)[0]
                cached = layer.invert(y)
                z = layer.ordered(patch_tokens(y, layer.p))
                known = z[:, :1]
                for i in range(1, layer.n):
                    a, mu = layer.net(known)[:, -1:].chunk(2, -1)
                    known = torch.cat([known, z[:, i:i + 1] * torch.exp(a) + mu], 1)
                recomputed = patch_image(layer.ordered(known), c, h, w, layer.p)
                err_cache = float((cached - recomputed).abs().max())
            checks[f"{c}x{h}x{w}/{'reversed' if k else 'row-major'}"] = {
                "logdet_error": err_ld, "roundtrip": err_rt, "inverse_logdet": err_inv,
                "cached_vs_recomputed": err_cache, "identity_at_init": identity}
            passed &= err_ld < 1e-8 and err_rt < 1e-8 and err_inv < 1e-8 and err_cache < 1e-10 and identity == 0.0
    return checks, passed


def mixlogcdf_checks(seed):
    """MixLogCdfCoupling alone in float64 with a small Flow++ network: the identity with log-det 0
    at initialisation (h = 0), and, after moving every parameter by N(0, 0.1²), its log-det against
    the brute-force Jacobian and its bisection inverse, in eval mode and in a training pass with
    dropout (the same masks in forward and inverse); and the tuple flip of an odd channel count."""
    checks = {}
    g = torch.Generator().manual_seed(seed)
    layer = MixLogCdfCoupling(4, 4, 4, TINY_MIXLOGCDF).double().eval()
    x = torch.randn(3, 4, 4, 4, generator=g, dtype=torch.float64) * 2
    with torch.no_grad():
        y, ld = layer(x)
    checks["identity_at_init"] = {"max_change": float((y - x).abs().max()), "max_logdet": float(ld.abs().max())}
    ok = checks["identity_at_init"]["max_change"] < 1e-12 and checks["identity_at_init"]["max_logdet"] < 1e-12
    for c, h, w in ((4, 4, 4), (5, 4, 4), (6, 2, 2)):
        layer = MixLogCdfCoupling(c, h, w, TINY_MIXLOGCDF).double()
        perturb(layer, 0.1, seed + c)
        for mode, pass_seed in (("eval", None), ("train", seed + 1)):
            layer.train(mode == "train")
            err_ld, err_rt, err_inv = layer_jacobian_check(layer, (c, h, w), seed + 2, pass_seed)
            checks[f"{c}x{h}x{w}/{mode}"] = {"logdet_error": err_ld, "roundtrip": err_rt, "inverse_logdet": err_inv}
            ok &= err_ld < 1e-8 and err_rt < 1e-8 and err_inv < 1e-6
    flip = TupleFlip(5)
    x = torch.randn(2, 5, 3, 3, generator=g)
    y = flip(x)[0]
    checks["tuple_flip_5_channels"] = {"x2_first": bool(torch.equal(y[:, :3], x[:, 2:]) and torch.equal(y[:, 3:], x[:, :2])),
                                       "undone": bool(torch.equal(flip.inverse(y)[0], x))}
    ok &= all(checks["tuple_flip_5_channels"].values())
    return checks, ok


def marflow_prior_checks(shape, c_condition, options, seed):
    """A MaRFlow prior in float64: at initialisation log p = log N(0, I); after moving every
    parameter by N(0, 0.3²), (μ, log σ) of channel c depend on z_<c only (brute-force Jacobian:
    the largest |∂ on z_≥c| must be exactly 0, the largest |∂ on z_<c| must not) and the
    sequential sampler agrees with the teacher-forced density: z = μ(z_<c) + T·σ(z_<c)·ε."""
    prior = MarFlowPrior(shape, c_condition, options).double()
    g = torch.Generator().manual_seed(seed)
    n = 3
    condition = None if c_condition is None else torch.randn((n, c_condition) + shape[1:], generator=g, dtype=torch.float64)
    z = torch.randn((n,) + shape, generator=g, dtype=torch.float64)
    with torch.no_grad():
        at_init = float((prior.log_prob(z, condition) - StandardNormalPrior(shape).log_prob(z)).abs().max())
    perturb(prior, 0.3, seed + 1)
    c = shape[0]
    jac = torch.autograd.functional.jacobian(
        lambda v: torch.stack(prior.params(v.view((1,) + shape), None if condition is None else condition[:1]))[:, 0],
        z[:1].reshape(-1)).view((2,) + shape + shape)  # [mean|logstd, c, i, j, c', i', j']
    later = torch.arange(c).view(c, 1) <= torch.arange(c).view(1, c)  # [c, c'] with c' ≥ c
    by_channels = jac.abs().amax(dim=(0, 2, 3, 5, 6))  # [c, c']
    temperature = 0.7
    with torch.no_grad():
        sampled = prior.sample(condition, n, temperature, torch.Generator().manual_seed(seed + 2), torch.float64)
        eps = torch.randn((n,) + shape, generator=torch.Generator().manual_seed(seed + 2), dtype=torch.float64)
        mean, logstd = prior.params(sampled, condition)
        rebuilt = mean + temperature * torch.exp(logstd) * eps
    return {"init_standard_normal": at_init,
            "future_dependence": float(by_channels[later].max()),
            "past_dependence": float(by_channels[~later].min()),
            "sample_vs_density": float((sampled - rebuilt).abs().max())}


def selftest(workloads, seed=0):
    torch.manual_seed(seed)
    ok = True
    images = read_idx_images(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"))[:64]
    rng = np.random.default_rng([seed, 9])
    report = {}
    for name in workloads:
        workload = WORKLOADS[name]
        attention, priors, expected, coupling, tarflow = (workload.attention, workload.priors, workload.parameters,
                                                          workload.coupling, workload.tarflow)
        entry = {}
        model = build(name, seed).eval()  # no dropout: round trips need the same network both ways
        count = model.free_parameters()
        entry["parameters"] = count
        entry["parameters_ok"] = count == expected
        ok &= count == expected
        model.initialize_from_data(torch.from_numpy(dequantise(images[:32], rng)))
        with torch.no_grad():
            # (a) at initialisation, on dequantised data
            x = torch.from_numpy(dequantise(images[32:48], rng))
            latents, logdet, _ = model.encode(x)
            entry["roundtrip_init_data"] = float((model.decode(latents) - x).abs().max())
            entry["bpd_init_data"] = float(model.bits_per_dim(x).mean())
            # (b) a random batch after moving every parameter (zero convs included) by N(0, 0.01²)
            perturb(model, 0.01, seed + 1)
            x = torch.rand(16, 1, 32, 32, generator=torch.Generator().manual_seed(seed + 2)) - 0.5
            latents, logdet, _ = model.encode(x)
            entry["roundtrip_random_perturbed"] = float((model.decode(latents) - x).abs().max())
            xd = torch.from_numpy(dequantise(images[48:64], rng))
            latents, _, _ = model.encode(xd)
            entry["roundtrip_data_perturbed"] = float((model.decode(latents) - xd).abs().max())
        worst = max(entry["roundtrip_init_data"], entry["roundtrip_random_perturbed"],
                    entry["roundtrip_data_perturbed"])
        if name != "itrans32":
            entry["roundtrip_ok"] = worst < 1e-3
            ok &= worst < 1e-3
        else:
            entry["roundtrip_ok"] = "report only (paper form W = A + I)"

        # Brute-force Jacobian of a tiny 2-level model, input 2×4×4 (D = 32), float64. iTrans
        # uses P = 2 at level 1 (2×2 maps: one token) and P = 1 at level 2 (1×1 maps: one token).
        # A TarFlow needs two tokens or more: one level, 8×2×2 after the squeeze, P = 1 (4 tokens).
        tiny = Flow(attention, priors, input_shape=(2, 4, 4), levels=1 if tarflow else 2, steps=2, hidden=8, patch=2,
                    seed=seed, smaller_patch_ok=True, marflow=TINY_MARFLOW,
                    coupling=None if coupling is None else TINY_MIXLOGCDF,
                    tarflow=None if tarflow is None else TINY_TARFLOW._replace(actnorm=tarflow.actnorm)).double().eval()
        tiny.initialize_from_data(torch.rand(8, 2, 4, 4, dtype=torch.float64,
                                             generator=torch.Generator().manual_seed(seed + 3)) - 0.5)
        perturb(tiny, 0.1, seed + 4)
        entry["tiny_model_logdet_error"] = jacobian_check(tiny, (2, 4, 4), seed + 5)
        ok &= entry["tiny_model_logdet_error"] < 1e-4
        with torch.no_grad():
            xt = torch.rand(4, 2, 4, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(seed + 6)) - 0.5
            entry["tiny_model_roundtrip"] = float((tiny.decode(tiny.encode(xt)[0]) - xt).abs().max())

        # The attention layer alone on maps with several tokens (the tiny model has one token).
        if attention is not None:
            layer_checks = {}
            for shape in ((4, 4, 4), (8, 8, 8)):
                for k in (0, 1):
                    c, h, w = shape
                    if attention == "imap":
                        layer = IMap(c, h, w, k)
                    else:
                        layer = ITrans(c, h, w, k, patch=2, gated=attention == "itrans-gated")
                    layer = layer.double()
                    perturb(layer, 0.3, seed + 7 + k)
                    err_ld, err_rt, err_inv = layer_jacobian_check(layer, shape, seed + 9)
                    key = f"{c}x{h}x{w}/{'1-M' if k else 'M'}"
                    layer_checks[key] = {"logdet_error": err_ld, "roundtrip": err_rt, "inverse_logdet": err_inv}
                    ok &= err_ld < 1e-4 and err_rt < 1e-8 and err_inv < 1e-8
            entry["attention_layer_checks"] = layer_checks

        if coupling is not None:
            entry["mixlogcdf_checks"], passed = mixlogcdf_checks(seed + 13)
            ok &= passed

        if tarflow is not None:
            entry["tarflow_checks"], passed = tarflow_checks(seed + 15)
            ok &= passed

        if priors == "marflow":
            prior_checks = {}
            for label, shape, c_condition, options in (
                    ("split 4x4x4 | 4x4x4", (4, 4, 4), 4, TINY_MARFLOW),
                    ("top 5x3x3", (5, 3, 3), None, TINY_MARFLOW),
                    ("split 3x5x5 | 2x5x5, dilation 2", (3, 5, 5), 2, TINY_MARFLOW._replace(dilation=2))):
                checks = marflow_prior_checks(shape, c_condition, options, seed + 11)
                prior_checks[label] = checks
                ok &= (checks["init_standard_normal"] < 1e-12 and checks["future_dependence"] == 0.0
                       and checks["past_dependence"] > 1e-3 and checks["sample_vs_density"] < 1e-12)
            entry["marflow_prior_checks"] = prior_checks
        report[name] = entry
    print(json.dumps(report, indent=2))
    print("selftest:", "PASS" if ok else "FAIL")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=sorted(WORKLOADS))
    ap.add_argument("--steps", type=int, help=f"training steps (at least {COUNTED_STEPS[1]})")
    ap.add_argument("--eval", action="store_true", help="test bits/dim on the full test set at the end")
    ap.add_argument("--threads", type=int, default=2, help="intra-op (and inter-op) threads (default 2)")
    ap.add_argument("--selftest", action="store_true", help="round-trip, parameter and Jacobian checks")
    ap.add_argument("--log-every", type=int, default=25, help="progress line to stderr every N steps")
    ap.add_argument("--profile", help=f"keep the operator trace of the counted steps {COUNTED_STEPS[0]}-{COUNTED_STEPS[1]} in this file (Chrome trace JSON), and of the counted sampling batch in FILE-sampling.json")
    ap.add_argument("--trajectory", help="write the per-step training bpd to this file (TSV)")
    ap.add_argument("--take-turns", metavar="DIR", help="take turns with the Java benchmark step by step and batch by batch through the pipes in DIR (bench/side-by-side.sh sets this up)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--clip", type=float, default=100.0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)

    if args.selftest:
        names = [args.workload] if args.workload else list(WORKLOADS)
        sys.exit(0 if selftest(names, args.seed) else 1)
    if not args.workload or args.steps is None:
        ap.error("give --workload and --steps N (or --selftest)")
    if args.steps < COUNTED_STEPS[1]:
        ap.error(f"--steps must be at least {COUNTED_STEPS[1]} (throughput is the median over steps 10-60, "
                 f"engine calls are counted over steps {COUNTED_STEPS[0]}-{COUNTED_STEPS[1]})")
    train(args)


if __name__ == "__main__":
    main()
