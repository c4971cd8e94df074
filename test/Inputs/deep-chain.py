"""Prints a placed module whose op with a weights level reads a chain of 300
element-wise adds of a function argument (no weights), with the chain's block
before or after the block that uses it (argv[1]: def-first or use-first)."""
import sys

chain = ["^bb2:", "  %e = tensor.empty() : tensor<4xf32>"]
previous = "%x"
for i in range(1, 301):
    chain.append(f"  %v{i} = linalg.add ins({previous}, {previous} : tensor<4xf32>, "
                 "tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>")
    previous = f"%v{i}"
chain.append("  cf.br ^bb1")
use = ["^bb1:",
       "  %z = linalg.add {egrl.placement = #egrl.placement<node = 0, "
       'weights = "fast", output = "fast">} ins(%v300, %v300 : tensor<4xf32>, '
       "tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>",
       "  return %z : tensor<4xf32>"]
blocks = chain + use if sys.argv[1] == "def-first" else use + chain
print('module attributes {egrl.record = #egrl.record<target = "toy", '
      'levels = ["fast", "slow"], strategy = "greedy", evaluator = "analytical", '
      'granularity = "fused", seed = 0>} {')
print("func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {")
print("  cf.br ^bb2")
print("\n".join(blocks))
print("}")
print("}")
