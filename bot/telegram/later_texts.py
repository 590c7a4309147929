"""What Schtum says about reminders, follow-ups and CPD, in its own (short, warm) words."""

REMINDER = "A few minutes for yourself?\n\n<i>{prompt}</i>"
START, SNOOZE, SKIP = "Start the journal now", "Snooze an hour", "Skip this one"
SNOOZED = "Snoozed: I'll ask again at {when}."
SKIPPED = "Skipped. Next time: {when}."
NOT_CURRENT = "That reminder has passed."
REMIND_NONE = ("No reminders are set. Send /remind daily 20:30, /remind weekly fri 18:00 or "
               "/remind weekdays 19:00 for a gentle nudge to journal.")
REMIND_NOW = "Reminders: {what}. Next: {when}. /remind off stops them."
REMIND_PAUSED = ("Your reminders, {what}, are paused because Telegram could not deliver "
                 "the last one. Send /remind on to start them again.")
REMIND_SET = "Done: I'll remind you {what}. The first is {when}."
REMIND_OFF = "Reminders are off."
# One tap for the usual choices; any other time by typing, e.g. /remind daily 07:45.
PRESETS = (("Every day, 20:30", ("daily", "20:30")), ("Weekdays, 18:00", ("weekdays", "18:00")),
           ("Fridays, 17:30", ("weekly", "fri", "17:30")), ("No reminders", ("off",)))
REMIND_OFFER = ("Would a gentle reminder help you keep journaling? Choose a time below, or "
                "send /remind later with any time you like.")
NO_THANKS = "No, thank you"
ZONE_ASK = "Which time zone are you in? (Or send /timezone with any IANA name.)"
ZONE_SET = "Time zone set: {zone}."
ZONE_NOW = ("Your time zone is {zone}. To change it, send /timezone with an IANA name such as "
            "Europe/London or America/New_York.")
FOLLOWUP_DUE = "A follow-up is due: {step}\n(from: {title})"
OUTCOME, DONE = "Record the outcome", "Done"
NOT_YET, STOP = "Not yet (remind me in 2 days)", "Stop asking"
NO_FOLLOWUPS = "No follow-ups are open. They are made when a saved reflection names a next step."
FOLLOWUPS_HEAD = "<b>Your follow-ups</b>:"
ASK_OUTCOME = ("What happened? Type the outcome in a sentence or two, without names: it will "
               "be added to the record, anonymised.")
SHOW_OUTCOME = "This is what will be added to the record:\n\n{text}"
KEEP, REWRITE, CANCEL = "Add to the record", "Rewrite", "Cancel"
OUTCOME_ADDED = "Added to the record, and the follow-up is closed."
FOLLOWUP_CLOSED = "Closed."
FOLLOWUP_LATER = "I'll ask again in two days."
FOLLOWUP_STOPPED = "I'll stop asking about this one. The record is unchanged."
CANCELLED = "Nothing was added."
GONE = "That follow-up is already closed."
CPD_OFFER = "Count this reflection as CPD?"
CPD_YES = "Count this as CPD"
CPD_ASK = "How many minutes did it take? Choose, or type a number."
CPD_COUNTED = "Counted: {minutes} minutes of CPD. /export cpd gives your CPD log."
CPD_BAD = "Please type the minutes as a number, for example 30."
CPD_CAPTION = "Your CPD log (no client identifiers). Keep it with your CPD profile."
