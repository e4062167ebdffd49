"""int8 weight quantization of the exported decoder by rewriting the graph with the onnx package.

MatMul(A, W) with a constant W becomes DynamicQuantizeLinear(A) -> MatMulInteger(A_q, W_q) ->
Cast -> Mul(scale_A * scale_W[col]): weights symmetric 7-bit per output column, activations
uint8 per tensor at run time (what onnxruntime's dynamic quantization does). The embedding is
stored once as int8 rows: Gather reads it (then dequantizes per row) and a tied head uses its
transpose, whose per-column scales are exactly the per-row scales.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


# Weights use 7 bits (±63), as onnxruntime's reduce_range does: on CPUs without VNNI (AVX2 only)
# MatMulInteger multiplies uint8 activations by int8 weights in pairs summed into int16, and
# 2 * 255 * 127 overflows it; 2 * 255 * 63 does not. Measured on such a CPU: the tiny test model's
# logits were 0.17 off PyTorch with ±127 weights.
WEIGHT_MAX = 63.0


def _quantize(w: np.ndarray, axis: int):
    """Symmetric 7-bit weights in int8, one scale per slice along `axis` (the kept dimension)."""
    amax = np.abs(w).max(axis=1 - axis)
    scale = np.where(amax > 0, amax / WEIGHT_MAX, 1.0).astype(np.float32)
    shaped = scale[None, :] if axis == 1 else scale[:, None]
    q = np.clip(np.round(w / shaped), -WEIGHT_MAX, WEIGHT_MAX).astype(np.int8)
    return q, scale


def _is_signed_permutation(w: np.ndarray) -> bool:
    """The rotary rotate-half matrix: exact in fp32, while quantizing its input would only lose precision."""
    return w.shape[0] == w.shape[1] and bool(np.isin(w, (-1.0, 0.0, 1.0)).all()) and bool((np.abs(w).sum(0) == 1).all())


def quantize_int8(src: str, dst: str) -> dict:
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    new_inits, replaced, nodes = [], set(), []
    table = {}  # embedding initializer -> (int8 name, per-row scale name)

    def emb_table(name):
        if name not in table:
            q, s = _quantize(numpy_helper.to_array(inits[name]), axis=0)
            table[name] = (name + "_int8", name + "_row_scale")
            new_inits.extend([numpy_helper.from_array(q, table[name][0]), numpy_helper.from_array(s, table[name][1])])
            replaced.add(name)
        return table[name]

    def dyn_matmul(node, a, w_q_name, col_scale_name):
        p = node.name or node.output[0]
        nodes.append(helper.make_node("DynamicQuantizeLinear", [a], [p + "_aq", p + "_as", p + "_azp"], name=p + "_dql"))
        nodes.append(helper.make_node("MatMulInteger", [p + "_aq", w_q_name, p + "_azp", "int8_zero"], [p + "_i32"], name=p + "_mmi"))
        nodes.append(helper.make_node("Cast", [p + "_i32"], [p + "_f32"], to=TensorProto.FLOAT, name=p + "_cast"))
        nodes.append(helper.make_node("Mul", [p + "_as", col_scale_name], [p + "_scale"], name=p + "_smul"))
        nodes.append(helper.make_node("Mul", [p + "_f32", p + "_scale"], [node.output[0]], name=p + "_out"))

    n_matmul = n_gather = 0
    transposed_tables = set()
    for node in g.node:
        if node.op_type == "Gather" and node.input[0] in inits and len(inits[node.input[0]].dims) == 2:
            qname, sname = emb_table(node.input[0])
            p = node.name or node.output[0]
            nodes.append(helper.make_node("Gather", [qname, node.input[1]], [p + "_q"], axis=0, name=p + "_gq"))
            nodes.append(helper.make_node("Cast", [p + "_q"], [p + "_f"], to=TensorProto.FLOAT, name=p + "_cast"))
            nodes.append(helper.make_node("Gather", [sname, node.input[1]], [p + "_s"], axis=0, name=p + "_gs"))
            nodes.append(helper.make_node("Unsqueeze", [p + "_s", "int8_last_axis"], [p + "_s1"], name=p + "_us"))
            nodes.append(helper.make_node("Mul", [p + "_f", p + "_s1"], [node.output[0]], name=p + "_deq"))
            n_gather += 1
            continue
        if node.op_type == "MatMul":
            a, w = node.input
            weight = numpy_helper.to_array(inits[w]) if w in inits and len(inits[w].dims) == 2 else None
            if weight is not None and not _is_signed_permutation(weight):
                q, s = _quantize(weight, axis=1)
                new_inits.extend([numpy_helper.from_array(q, w + "_int8"), numpy_helper.from_array(s, w + "_col_scale")])
                replaced.add(w)
                dyn_matmul(node, a, w + "_int8", w + "_col_scale")
                n_matmul += 1
                continue
            t = producers.get(w)
            if t is not None and t.op_type == "Transpose" and t.input[0] in inits and len(inits[t.input[0]].dims) == 2:
                qname, sname = emb_table(t.input[0])
                transposed_tables.add(t.output[0])
                if qname + "_T" not in {n.output[0] for n in nodes}:
                    nodes.append(helper.make_node("Transpose", [qname], [qname + "_T"], perm=[1, 0], name=qname + "_transpose"))
                dyn_matmul(node, a, qname + "_T", sname)
                n_matmul += 1
                continue
        nodes.append(node)
    # The fp32 Transpose of a tied embedding is dead once its MatMul reads the int8 table.
    nodes = [n for n in nodes if not (n.op_type == "Transpose" and n.output[0] in transposed_tables)]
    used = {i for n in nodes for i in n.input}
    keep = [i for i in g.initializer if i.name not in replaced or i.name in used]
    new_inits += [numpy_helper.from_array(np.array(0, dtype=np.int8), "int8_zero"), numpy_helper.from_array(np.array([-1], dtype=np.int64), "int8_last_axis")]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    del g.node[:]
    g.node.extend(_toposort(nodes, {i.name for i in g.input} | {i.name for i in g.initializer}))
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return {"matmuls": n_matmul, "gathers": n_gather}


def _toposort(nodes: list, available: set) -> list:
    """New nodes were appended where their consumers were; order them so every input exists first."""
    ready, out, pending = set(available), [], list(nodes)
    while pending:
        rest = []
        for n in pending:
            if all(i == "" or i in ready for i in n.input):
                out.append(n)
                ready.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise ValueError("int8 rewrite produced a cyclic or dangling graph")
        pending = rest
    return out
