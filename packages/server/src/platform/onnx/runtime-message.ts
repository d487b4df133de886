/**
 * ONNX Runtime's error messages as the API may show them. The runtime prefixes many messages with the C++
 * source location and function that raised them (`/onnxruntime_src/onnxruntime/core/graph/graph.cc:1555
 * void onnxruntime::Graph::InitializeStateFromModelFileGraphProto() This is an invalid model. ...`): build
 * paths and internals that say nothing to a caller. Both places where runtime errors become API messages
 * (a model's upload, a run's failure) go through here. Written by hand: no library parses these messages.
 */

const SOURCE_LOCATION = /\/onnxruntime_src\/\S*?:\d+\s*/g;

/** Length of a C++ function signature at the start of `text` (`void ns::Type::fn(args) const `), or 0. */
function signatureLength(text: string): number {
  const open = text.indexOf('(');
  // What precedes the arguments: an optional return type and a qualified name (`onnxruntime::Graph::Init`).
  if (open <= 0 || !/^[\w:<>,*&~ ]*::~?\w+$/.test(text.slice(0, open))) return 0;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')' && --depth === 0) {
      const rest = /^(\s*const)?\s*/.exec(text.slice(i + 1))![0];
      return i + 1 + rest.length;
    }
  }
  return 0;
}

/**
 * The useful part of an ONNX Runtime error: source locations and the C++ signatures after them removed,
 * lines joined, at most `maxLength` characters.
 */
export function runtimeMessage(error: unknown, maxLength = 500): string {
  const raw = error instanceof Error ? error.message : String(error);
  let text = '';
  let last = 0;
  for (const match of raw.matchAll(SOURCE_LOCATION)) {
    text += raw.slice(last, match.index);
    last = match.index + match[0].length;
    last += signatureLength(raw.slice(last));
  }
  text += raw.slice(last);
  const cleaned = text.replace(/\s+/g, ' ').trim();
  return (cleaned || 'ONNX Runtime failed without a message').slice(0, maxLength);
}
