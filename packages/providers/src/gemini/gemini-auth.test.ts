import { describe, expect, it } from 'vitest';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createGeminiFetch } from './gemini-auth.ts';

describe('createGeminiFetch', () => {
  it('should swap the API key header for a bearer token on the OAuth path', async () => {
    const { fetch, requests } = createRecordingFetch(new Response('{}'));
    const geminiFetch = createGeminiFetch({ auth: { getAccessToken: async () => 'ya29.t' }, fetch });
    await geminiFetch('https://g.example/v1beta/models', { headers: { 'x-goog-api-key': 'placeholder' } });
    expect(requests[0]?.headers).toEqual({ authorization: 'Bearer ya29.t' });
  });

  it('should ask for a fresh token once after a 401 and retry with it', async () => {
    const answers = [new Response('{"error":{"code":401}}', { status: 401 }), new Response('{}')];
    const { fetch, requests } = createRecordingFetch(() => answers.shift() ?? new Response('{}', { status: 500 }));
    const asked: (string | undefined)[] = [];
    const auth = {
      getAccessToken: async (options?: { rejectedAccessToken?: string }) => {
        asked.push(options?.rejectedAccessToken);
        return options?.rejectedAccessToken == null ? 'ya29.old' : 'ya29.new';
      },
    };
    const response = await createGeminiFetch({ auth, fetch })('https://g.example/v1beta/models');
    expect(response.status).toBe(200);
    expect(asked).toEqual([undefined, 'ya29.old']);
    expect(requests.map((request) => request.headers.authorization)).toEqual(['Bearer ya29.old', 'Bearer ya29.new']);
  });

  it('should re-frame bare JSON lines of a stream, even when cut across reads', async () => {
    const body = 'data: {"a":1}\r\n\r\n{\n  "error": {"code": 503,\r\n "message": "x"}\n}\ndata: {"b":2}\r\n\r\n';
    const bytes = new TextEncoder().encode(body);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 5) controller.enqueue(bytes.slice(offset, offset + 5));
        controller.close();
      },
    });
    const { fetch } = createRecordingFetch(new Response(source));
    const response = await createGeminiFetch({ auth: { apiKey: 'k' }, fetch })('https://g.example/x?alt=sse');
    expect(await response.text()).toBe(
      'data: {"a":1}\n\ndata: {"error":{"code":503,"message":"x"}}\n\ndata: {"b":2}\n\n',
    );
  });
});
