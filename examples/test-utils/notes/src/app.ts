import {
  type BaseRequest,
  HTTPBadRequest,
  HTTPMethodNotAllowed,
  HTTPNotFound,
  jsonResponse,
  type StreamResponse,
} from "@ll/server";
import { WebSocketResponse, WSMsgType } from "@ll/websocket";

/** A note as the API returns it. */
export interface Note {
  id: number;
  text: string;
}

/**
 * A small notes API: `GET /notes`, `POST /notes` (JSON `{ "text": … }`), `GET /notes/<id>`,
 * and a WebSocket at `/live` that announces each new note. Each app has its own store.
 */
export function createApp(): (request: BaseRequest) => Promise<StreamResponse> {
  const notes: Note[] = [];
  const listeners = new Set<WebSocketResponse>();

  return async (request) => {
    if (request.path === "/live") {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      await ws.sendJson({ notes: notes.length });
      listeners.add(ws);
      // Nothing to read from the client: wait for it to go away.
      for await (const message of ws)
        if (message.type === WSMsgType.TEXT) await ws.sendStr("read-only");
      listeners.delete(ws);
      return ws;
    }
    if (request.path === "/notes") {
      if (request.method === "GET") return jsonResponse(notes);
      if (request.method !== "POST")
        throw new HTTPMethodNotAllowed(request.method, ["GET", "POST"]);
      const body = (await request.json().catch(() => undefined)) as { text?: unknown } | undefined;
      if (typeof body?.text !== "string" || body.text === "") {
        throw new HTTPBadRequest({ text: 'expected JSON {"text": "…"}' });
      }
      const note = { id: notes.length + 1, text: body.text };
      notes.push(note);
      await Promise.all([...listeners].map((ws) => ws.sendJson({ added: note })));
      return jsonResponse(note, { status: 201 });
    }
    const match = /^\/notes\/(\d+)$/.exec(request.path);
    const note = match === null ? undefined : notes[Number(match[1]) - 1];
    if (note === undefined) throw new HTTPNotFound();
    return jsonResponse(note);
  };
}
