// A buffer in an egrl level, in a module without the record of a placement.
func.func @forward(%m: memref<4xf32, #egrl.mem<"sram">>) {
  return
}
