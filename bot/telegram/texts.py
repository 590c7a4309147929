"""What the Telegram channel says in its own words: onboarding, privacy, help, refusals."""

from __future__ import annotations

from bot import wording

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "What Schtum is, and your privacy"),
    ("dilemma", "Think a confidentiality dilemma through"),
    ("journal", "A short reflective journal entry"),
    ("contract", "Review your confidentiality contract"),
    ("back", "Go to the previous question"),
    ("skip", "Pass over an optional question"),
    ("cancel", "Stop now; nothing is stored"),
    ("why", "Why this question is asked"),
    ("reflections", "List and open your saved reflections"),
    ("share", "Share a reflection with your supervisor"),
    ("unshare", "Stop sharing a reflection"),
    ("invite", "Link a supervisor: a one-time link for them"),
    ("supervisors", "Your supervision links; unlink"),
    ("name", "The name your supervisors see"),
    ("inbox", "Supervisors: reflections shared with you"),
    ("pack", "A PDF pack for your next supervision"),
    ("log", "Log supervision; monthly totals against BACP's 1.5 h"),
    ("export", "All your reflections as a document (PDF, /export md, /export cpd)"),
    ("remind", "Reminders to journal: /remind daily 20:30, or off"),
    ("timezone", "Your time zone for reminders, e.g. /timezone Europe/London"),
    ("followups", "Next steps that are due; record the outcome"),
    ("privacy", "What Schtum keeps, and what it cannot see"),
    ("forget", "Delete everything Schtum holds about you"),
    ("help", "The commands"),
)

CRISIS = (
    "<b>If anyone is in danger now:</b>\n"
    "UK: 999 · NHS 111 (mental health option) · Samaritans 116 123\n"
    "US: 911 · 988 (Suicide &amp; Crisis Lifeline)"
)

PRIVACY_PROMISE = (
    "• Only the anonymised summary you approve is stored, encrypted.\n"
    "• You are known by a pseudonym, never by your Telegram account.\n"
    "• /forget destroys your key, so nothing you saved can be read again."
)

WELCOME = (
    "<b>Welcome to Schtum.</b>\n\n"
    "Schtum helps psychotherapists and counsellors think through a confidentiality "
    "dilemma, one question at a time, and keep an anonymised record for supervision. "
    f"{wording.NOT_ADVICE}\n\n"
    f"{PRIVACY_PROMISE}\n\n"
    "<b>Please do not type names or identifying details</b> of clients or anyone else. "
    "Telegram chats are not end-to-end encrypted.\n\n"
    f"{CRISIS}\n\n"
    "Where do you practise? The law differs across the UK, so this sets which law the "
    "questions follow. Choose below, or type it."
)

JURISDICTIONS = (("uk", "England and Wales"), ("scotland", "Scotland"),
                 ("ni", "Northern Ireland"), ("us", "United States"))
# What people type for each (lower case, after "in"/"the" are dropped).
JURISDICTION_WORDS = {
    "uk": ("england and wales", "england & wales", "england", "wales", "e&w", "cymru"),
    "scotland": ("scotland", "scot", "alba"),
    "ni": ("northern ireland", "n ireland", "n. ireland", "ni", "norn iron"),
    "us": ("united states", "us", "usa", "u.s.", "u.s.a.", "america",
           "united states of america"),
}
NOT_A_PLACE = ("Please choose where you practise: England and Wales, Scotland, Northern "
               "Ireland or the United States (the buttons above, or type one).")
READY = ("You're set ({place}). Send /dilemma to think a dilemma through, /journal for a "
         "journal entry, or /help for everything else.")
READY_GOING_ON = "You're set ({place}). Here is what you asked for."

PRIVACY = (
    "<b>What Schtum keeps</b>\n"
    f"{PRIVACY_PROMISE}\n\n"
    "Your answers live only in memory while you answer, and in an encrypted snapshot so a "
    "restart does not lose your place; it expires when the conversation times out. Logs "
    "hold events and pseudonyms, never what you write.\n\n"
    "The store as a whole is pseudonymised personal data (UK GDPR). Telegram itself is not "
    "end-to-end encrypted: Schtum warns when it sees identifying details, and offers to "
    "delete the conversation's messages from this chat when a reflection ends."
)

HELP = (
    "<b>Commands</b>\n"
    + "\n".join(f"/{name}: {text}" for name, text in COMMANDS)
    + f"\n\n{wording.NOT_ADVICE}\n{CRISIS}"
)

NO_FLOW = "There is no conversation in progress. Send /dilemma to start one, or /help."
IN_FLOW = "You are in the middle of a reflection. Send /cancel first to start another."
TIMED_OUT = ("Your last conversation was idle for more than {minutes} minutes, so it was "
             "dropped and nothing was stored. Send /dilemma to start again.")
EDITS_NOT_READ = ("Schtum does not read edited messages, so that edit changed nothing. To "
                  "change an answer, use /back.")
NOT_TEXT = "Schtum reads typed text and buttons only."
UNKNOWN_COMMAND = "I don't know that command. Send /help for the list."
STALE_BUTTON = "That question has already been answered."
DEAD_BUTTON = "That button is no longer active."
SOMETHING_WRONG = ("Sorry, something went wrong on our side. Nothing you saved is lost and "
                   "your conversation is intact.")
GROUP_REFUSAL = ("Schtum works only in private chats, because reflections are confidential. "
                 "Please message me directly. Leaving this group now.")

FORGET_ASK = ("This destroys your encryption key, every saved reflection, your settings and "
              "any conversation in progress. It cannot be undone. Are you sure?")
FORGET_YES, FORGET_NO = "Forget everything", "Keep my data"
FORGOTTEN = ("Done: your key, your saved reflections, your settings and any conversation in "
             "progress are destroyed on this server. A backup taken before now still holds "
             "them, readable with the server's current master key, until the operator "
             "rotates that key after the backups expire.")
FORGET_KEPT = "Nothing was deleted."

CLEANUP_OFFER = ("Telegram chats are not end-to-end encrypted, so this conversation's "
                 "messages stay on Telegram's servers until deleted. Delete them from this "
                 "chat now?")
CLEANUP_YES, CLEANUP_NO = "Delete the messages", "Keep them"
CLEANUP_DONE = "Deleted {count} message(s) from this chat."
CLEANUP_TOO_OLD = (" {count} older than 48 hours cannot be deleted by a bot; delete them "
                   "yourself (long-press, then Delete).")
CLEANUP_KEPT = "Kept. You can delete messages yourself at any time."

NO_REFLECTIONS = "You have no saved reflections yet."
RECORD_GONE = ("That reflection no longer exists (it was deleted, or erased with /forget); "
               "send /reflections for the current list.")
REFLECTIONS_HEAD = "<b>Your saved reflections</b> (newest first):"
