"""Jupyter Server's gateway websocket, closing what a client left while it was connecting.

Jupyter Server (2.21 here) proxies each kernel websocket of a server started with --gateway-url to
the gateway, passing the client's session id. JupyterLab (@jupyterlab/services, in a browser or in
Node) offers the v1 kernel subprotocol first; a gateway-backed server answers without one (it
forces the legacy protocol), so the client fails that handshake and reconnects at once, same session
id, without subprotocols. The server's first connection to the gateway is still pending then, and
GatewayWebSocketConnection.disconnect() only cancels its future: that does not abort tornado's
websocket_connect, which completes anyway and stays open, unread, for the server's lifetime.

The gateway (Enterprise Gateway 3.3, on jupyter_server 1.24) then holds two connections for one
session: the second one's "Replacing stale connection" waits for the first to close, which never
happens (the second hangs until the server's request_timeout), or, if the first was already open,
closes it and restores its channels. Which of the two happens depends on timing: the flaky test.

Here a connection that completes after the client left is closed at once, so the gateway sees the
first connection close and restores it for the second, as a local server does. Used by
test/jupyter/gateway.test.ts and bench/ with
--ServerApp.kernel_websocket_connection_class=goperf_gateway_connection.GatewayWebSocketConnection.
"""

from jupyter_server.gateway import connections


class GatewayWebSocketConnection(connections.GatewayWebSocketConnection):
    def disconnect(self):
        if self.ws is None and self.ws_future is not None and not self.ws_future.done():
            # Not cancelled: cancelling would only lose the connection (see above).
            self.disconnected = True
            return
        super().disconnect()

    def _connection_done(self, fut):
        super()._connection_done(fut)
        if self.disconnected and not fut.cancelled() and fut.exception() is None:
            self.log.info("Closing the gateway websocket of kernel %s: its client left while it connected", self.kernel_id)
            fut.result().close()
