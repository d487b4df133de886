/** Template env options to instance variables: shell quoting, every spelling of -e, and what is skipped. */
import { describe, expect, it } from 'vitest';
import { dockerEnv, splitWords } from './docker-env.js';

describe('docker env options', () => {
  it('splits words like a shell: quotes, escapes, empty strings', () => {
    expect(splitWords(` -e A=1  -e "B=two words" -e 'C=$HOME "x"' -e D=a\\ b -e E="" `)).toEqual([
      '-e',
      'A=1',
      '-e',
      'B=two words',
      '-e',
      'C=$HOME "x"',
      '-e',
      'D=a b',
      '-e',
      'E=',
    ]);
    expect(splitWords('-e "Q=say \\"hi\\""')).toEqual(['-e', 'Q=say "hi"']);
    expect(splitWords('')).toEqual([]);
  });

  it('keeps the -e, --env and --env= assignments and skips ports and host pass-through', () => {
    const options =
      "-p 1111:1111 -p 21434:21434 -e OLLAMA_MODEL=qwen3:14b --env VLLM_ARGS='--max-model-len 8192' --env=URL=http://x/?a=b -eSHORT=1 -e FROM_HOST -e 1BAD=x";
    expect(dockerEnv(options)).toEqual({
      OLLAMA_MODEL: 'qwen3:14b',
      VLLM_ARGS: '--max-model-len 8192',
      URL: 'http://x/?a=b',
      SHORT: '1',
    });
    expect(dockerEnv('-p 8000:8000')).toEqual({});
    expect(dockerEnv('-e')).toEqual({});
  });
});
