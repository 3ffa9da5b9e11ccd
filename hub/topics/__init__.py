"""Topics: what comms suggests writing about (and what anyone proposes), briefs, following and
picking a topic up."""
