/** The chat page: it connects back to the URL it was served from, over WebSocket. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>@ll/websocket chat</title>
  <style>
    body { font: 16px system-ui, sans-serif; max-width: 40em; margin: 2em auto; }
    #log { border: 1px solid #ccc; height: 20em; overflow-y: auto; padding: .5em; }
    #log p { margin: .2em 0; }
    form { display: flex; gap: .5em; margin-top: .5em; }
    input { flex: 1; }
  </style>
</head>
<body>
  <h1>Chat</h1>
  <div id="log"></div>
  <form id="form"><input id="text" autocomplete="off" autofocus><button>Send</button></form>
  <script>
    const log = document.getElementById("log");
    const text = document.getElementById("text");
    const show = (line) => {
      const p = document.createElement("p");
      p.textContent = line;
      log.append(p);
      log.scrollTop = log.scrollHeight;
    };
    const socket = new WebSocket(location.href.replace(/^http/, "ws"));
    socket.onopen = () => show("* connected");
    socket.onmessage = (event) => show(event.data);
    socket.onclose = (event) => show("* disconnected (" + event.code + ")");
    document.getElementById("form").onsubmit = (event) => {
      event.preventDefault();
      if (text.value) socket.send(text.value);
      text.value = "";
    };
  </script>
</body>
</html>
`;
