"""Callback-data schemes of the proposal feature, shared by its handler modules.

``idea:*`` buttons belong to writing a proposal and answering about it, ``rev:*`` to the
review queue, ``my:*`` to /myideas and ``see:*`` to browsing colleagues' proposals.
"""

from __future__ import annotations

from handlers.callbacks import Callback

# writing
CONTINUE = Callback("idea", "cont")
CONTINUE_AT = Callback("idea", "contat", str)
NEW = Callback("idea", "new")
NEW_AT = Callback("idea", "newat", str)
BENEFIT = Callback("idea", "ben", str)
SKIP = Callback("idea", "skip")  # from before skip buttons named their question
SKIP_AT = Callback("idea", "skip", str)
STUDIO = Callback("idea", "st", int)
ANONYMOUS = Callback("idea", "anon", int)
EDIT = Callback("idea", "edit", str)
SUBMIT = Callback("idea", "ok", int)
DISCARD = Callback("idea", "del")
SUPPORT_INSTEAD = Callback("idea", "dup", int)
GO_ON = Callback("idea", "go")
# typed answers about a proposal
REPLY = Callback("idea", "reply", int)
PROMPT_CANCEL = Callback("idea", "pstop")
# reviewing
QUEUE = Callback("rev", "q", str, str, int, int, int)
FILTER = Callback("rev", "flt", str, str)
ACCEPT = Callback("rev", "acc", int)
ACCEPT_NOW = Callback("rev", "accok", int)
REJECT = Callback("rev", "rej", int)
NEEDS_INFO = Callback("rev", "ask", int)
IMPLEMENTED = Callback("rev", "impl", int)
ASSIGN = Callback("rev", "as", int)
ASSIGN_TO = Callback("rev", "ast", int, int)
SCORE_START = Callback("rev", "scs", int)
SCORE = Callback("rev", "sc", int, str, int)
MEDIA = Callback("rev", "media", int)
# the author's own proposals
MINE = Callback("my", "list")
SHOW_MINE = Callback("my", "show", int)
WITHDRAW = Callback("my", "wd", int)
WITHDRAW_CONFIRM = Callback("my", "wdok", int)
STEP_FORWARD = Callback("my", "fwd", int)
# colleagues' proposals
BROWSE = Callback("see", "ls", str, int)
SHOW = Callback("see", "sh", int)
SUPPORT = Callback("see", "up", int)
COMMENT = Callback("see", "cm", int)
STARS = Callback("see", "star")
