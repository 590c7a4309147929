"""What Schtum says about supervision and records: short, warm, plain (HTML-safe)."""

from __future__ import annotations

from bot import wording

INVITE = (
    "<b>Invite a supervisor</b>\n"
    "Send them this link. It works once, for 7 days:\n{link}\n\n"
    "<b>They will see</b> only the reflections you choose to share (anonymised, as you "
    "approved them), with their titles and dates; the comments you exchange; and your "
    "name as {name}.\n"
    "<b>They will not see</b> anything you have not shared, your Telegram name or "
    "account, or anything after you stop sharing it.\n"
    "Set the name they see with /name."
)
NAME_UNSET = "not set yet (they will see \"Supervisee\" and a number)"
NAME_NOW = "Supervisors see you as <b>{name}</b>. Change it with /name followed by a name."
NAME_NONE = ("You have not set a name. Send /name followed by the name your supervisors "
             "should see, for example /name Sam (trainee). It is never taken from Telegram.")
NAME_SET = "Done: supervisors now see you as <b>{name}</b>."

BAD_CODE = "That invitation link is not valid: ask your supervisee to send /invite again."
LINKED_SUPERVISOR = "You're linked as supervisor to <b>{name}</b>."
LINKED_PRACTITIONER = ("<b>{name}</b> opened your invitation: you're linked. Share a "
                       "reflection with /share.")
SUPERVISOR_WELCOME = (
    "<b>Welcome to Schtum.</b> Supervisees share anonymised reflections with you here, "
    "for supervision.\n\n"
    "• /inbox lists what is shared with you; open one to read it and comment.\n"
    "• /pack makes a PDF for your next session.\n"
    "• You read only what is shared with you, and only while it is; every read is "
    "recorded, by pseudonym, in an audit log.\n\n"
    f"{wording.NOT_ADVICE} To reflect on your own practice, send /dilemma or /journal."
)

LINKS_HEAD = "<b>Your supervision links</b>"
NO_LINKS = ("You have no supervision links yet. To link a supervisor, send /invite and "
            "give them the link.")
UNLINKED = ("Unlinked from <b>{name}</b>. Every reflection you shared along that link is "
            "no longer shared.")

NO_SUPERVISOR = "You have no supervisor linked yet: send /invite to make a link for them."
SHARE_PICK = "Which reflection would you like to share?"
SHARE_WHO = "Share “{label}” with which supervisor?"
SHARED = ("Shared “{label}” with <b>{name}</b>. They have been told (title and date only). "
          "Stop at any time with /unshare.")
NOTIFY_SHARED = "📥 <b>{name}</b> shared a reflection with you: “{label}”."
NOTHING_SHARED = "You are not sharing any reflection at the moment."
UNSHARE_PICK = "Which share would you like to stop?"
UNSHARED = ("Stopped sharing “{label}” with <b>{name}</b>. Their copy of its key is "
            "destroyed, so they can no longer open it in Schtum; what they already read "
            "stays in their Telegram chat, and in any pack they downloaded.")

NOT_SUPERVISOR = ("You are not anyone's supervisor yet. A supervisee sends /invite and "
                  "gives you the link.")
INBOX_EMPTY = "Nothing is shared with you at the moment."
INBOX_HEAD = "<b>Shared with you</b> (newest first; ● not yet read)"
NO_LONGER_SHARED = "That reflection is no longer shared with you."

COMMENT_ASK = ("Type your comment on “{label}”. Please no names or identifying details: "
               "Schtum anonymises it and shows it to you before anything is sent.")
COMMENT_CHECK = "Your comment as it will be sent and kept (anonymised):"
COMMENT_SENT = "Sent to <b>{name}</b>, and kept encrypted with the reflection."
COMMENT_CANCELLED = "Comment cancelled. Nothing was kept."
NOTIFY_COMMENT = "💬 <b>{name}</b> commented on “{label}”:"
SEND, REWRITE, CANCEL = "Send", "Rewrite", "Cancel"
COMMENT, REPLY = "Comment", "Reply"

DELETE_ASK = ("Delete “{label}”? Its comments go with it, and every supervisor loses "
              "access. This cannot be undone.")
DELETE_YES, DELETE_NO = "Delete it", "Keep it"
DELETED = "Deleted. It is gone from Schtum, with its comments and shares."
KEPT = "Kept; nothing was deleted."

EXPORT_CAPTION = ("All your reflections with their comments and your supervision log. "
                  "Keep it as confidentially as your notes.")
PACK_CAPTION = "Your supervision pack: {what}."
PACK_WHO = "A pack for whom?"
PACK_MINE, PACK_ALL = "My own reflections", "All my supervisees"
PACK_USAGE = ("Send /pack for what was shared since your last pack, /pack all for "
              "everything, or /pack 2025-01-01 2025-03-31 for a date range.")
NOTHING_TO_LIST = "You have no saved reflections yet."
GONE = "That reflection no longer exists, or is no longer yours to change."
