"""One async handler per kind of inbound event or command: `async def handle(deps, event)`.

Handlers receive typed events from the transports (they parse nothing off the wire) and call
services; see ../shared/STYLE.md, "Our layout".
"""
