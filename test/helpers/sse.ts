/** Reads a server-sent-events response body as text, waiting for patterns to appear in it. */
export function sseText(body: ReadableStream<Uint8Array>): { until(pattern: RegExp): Promise<void>; text(): string; cancel(): Promise<void> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async until(pattern) {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended; got ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    },
    text: () => text,
    cancel: () => reader.cancel().catch(() => {}),
  };
}
