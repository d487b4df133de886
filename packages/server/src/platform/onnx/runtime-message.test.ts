/** ONNX Runtime messages lose their source paths and C++ signatures, and keep what they say. */
import { describe, expect, it } from 'vitest';
import { runtimeMessage } from './runtime-message.js';

describe('runtimeMessage', () => {
  it('strips the source location and the function signature of a load error', () => {
    expect(
      runtimeMessage(
        new Error(
          '/onnxruntime_src/onnxruntime/core/graph/graph.cc:1555 void onnxruntime::Graph::InitializeStateFromModelFileGraphProto() This is an invalid model. Graph output (y) does not exist in the graph.\n',
        ),
      ),
    ).toBe('This is an invalid model. Graph output (y) does not exist in the graph.');
    expect(
      runtimeMessage(
        '/onnxruntime_src/onnxruntime/core/graph/model.cc:202 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, const onnxruntime::logging::Logger&, const onnxruntime::ModelOptions&) Unsupported model IR version: 99, max supported IR version: 13\n',
      ),
    ).toBe('Unsupported model IR version: 99, max supported IR version: 13');
  });

  it('keeps the text around a location inside a run error', () => {
    expect(
      runtimeMessage(
        "Non-zero status code returned while running Add node. Name:'Add_y' Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/math/element_wise_ops.h:563 void onnxruntime::BroadcastIterator::Init(ptrdiff_t, ptrdiff_t) axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 2 by 3\n",
      ),
    ).toBe(
      "Non-zero status code returned while running Add node. Name:'Add_y' Status Message: axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 2 by 3",
    );
  });

  it('leaves messages without locations as they are, lines joined, and bounds the length', () => {
    expect(
      runtimeMessage(
        'Got invalid dimensions for input: input for the following indices\n index: 1 Got: 5 Expected: 4\n Please fix either the inputs/outputs or the model.',
      ),
    ).toBe(
      'Got invalid dimensions for input: input for the following indices index: 1 Got: 5 Expected: 4 Please fix either the inputs/outputs or the model.',
    );
    expect(runtimeMessage('/onnxruntime_src/x.cc:1 not a signature (really) here')).toBe(
      'not a signature (really) here',
    );
    expect(runtimeMessage('x'.repeat(900), 300)).toHaveLength(300);
    expect(runtimeMessage(new Error(''))).toMatch(/without a message/);
  });
});
