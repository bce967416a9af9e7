-- Items in a message: each as a 4-byte big-endian length and its bytes (values are binary: no text framing).
local function frameItems(items)
  local parts = {}
  for i, item in ipairs(items) do parts[i] = struct.pack('>I4', #item) .. item end
  return table.concat(parts)
end
