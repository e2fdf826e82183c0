"""Texts and voices of the AMD corpus, split so the holdout set shares none of the tuning set's."""

from __future__ import annotations

NAMES = ["John", "Maria", "David", "Sarah", "Peter", "Linda", "Ahmed", "Chen", "Olga", "Carlos"]
COMPANIES = ["Acme Plumbing", "Riverside Dental", "Brightside Insurance", "Northwind Travel"]

HUMAN_SHORT = [
    "Hello?",
    "Yes?",
    "Hello.",
    "Hi.",
    "Yeah?",
    "Hello, yes?",
    "Speaking.",
    "Hey.",
    "Good morning.",
    "Hallo?",
    "Yes, hello?",
    "Hi there.",
    "Hello hello?",
    "Uh, hello?",
    "Yep?",
    "Hiya.",
]
HUMAN_SENTENCE = [
    "Hi, this is {name}.",
    "Hello, who is this?",
    "Hello, {name} speaking.",
    "Yeah, hello, who's this?",
    "Hello, this is {name}, who's calling?",
    "Hi, yes, this is she.",
    "Hello? Sorry, I can't hear you.",
    "Good afternoon, {company}.",
    "Hello, {name} here.",
    "Yes, hello, can I help you?",
    "Hello, the {name} residence.",
    "Hi, who am I speaking to?",
]
MACHINE_SENTENCES = [
    [
        "Hi, you've reached {name}.",
        "I can't take your call right now.",
        "Please leave a message after the tone.",
    ],
    [
        "Hello, this is {name}.",
        "Sorry I missed your call.",
        "Leave your name and number and I'll get back to you.",
    ],
    [
        "The person you are trying to reach is not available.",
        "At the tone, please record your message.",
        "When you have finished recording, you may hang up.",
    ],
    [
        "Thank you for calling {company}.",
        "Our office is currently closed.",
        "Please leave a message and we will return your call on the next business day.",
    ],
    ["Hey, it's {name}.", "I can't get to the phone right now.", "Leave a message and I'll call you back."],
    ["You have reached the voicemail of {name}.", "Please leave a message after the tone."],
    [
        "Hi, this is {name}, I'm away from my phone.",
        "Leave me a message and I'll call you back as soon as I can.",
        "Thanks, bye.",
    ],
    [
        "Your call has been forwarded to an automatic voice message system.",
        "{name} is not available.",
        "At the tone, please record your message.",
    ],
    [
        "Hello, you've reached {company}.",
        "All of our agents are busy.",
        "Please leave your details after the beep.",
    ],
    ["Hi, {name} here.", "I'm either on the other line or away from my desk.", "Please leave a message."],
    ["The mailbox of {name} is full and cannot accept new messages.", "Please try again later. Goodbye."],
    [
        "Hello.",
        "You have reached {name} and family.",
        "We can't come to the phone right now.",
        "Leave a message after the beep.",
    ],
]
SHORT_MACHINE = [
    "Please leave a message.",
    "Leave a message after the tone.",
    "{name}, leave a message.",
    "Hey, it's {name}. Leave a message.",
]
CARRIER = [
    "The number you have dialed is not in service. Please check the number and dial again.",
    "We're sorry, your call cannot be completed as dialed. Please check the number and try again.",
    "The subscriber you have called is not available at the moment. Please try again later.",
]

VOICES = {
    "tune": [
        "en-us",
        "en-us+f3",
        "en-us+m3",
        "en-us+f2",
        "en+m7",
        "en+f4",
        "en-us+klatt",
        "en-gb+m1",
    ],
    "holdout": [
        "en-gb-x-rp+f3",
        "en-029+m7",
        "en-gb-scotland+f5",
        "en-us+Andy",
        "en+Alicia",
        "en-gb+m5",
        "flite:slt",
        "flite:awb",
        "flite:rms",
        "flite:kal",
    ],
}


def for_split(items: list, split: str) -> list:  # type: ignore[type-arg]
    """Even-indexed items for tuning, odd-indexed ones for the holdout set."""
    return items[0::2] if split == "tune" else items[1::2]
