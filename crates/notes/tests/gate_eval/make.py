"""Builds `set.jsonl`, the citation gate's held-out evaluation set (issue 19).

Every cited sentence is a sentence of the demo's case notes
(`clearstone demo`, `csc_case_notes.jsonl`), with its people's names as the
demo wrote them. The summary sentences are written by the templates below,
which were written apart from the gate's word tables and from the bench's
corpus (`tests/support/gate_corpus.rs`) and were not changed after the gate
was measured on them. Each line: {"kind", "cited", "sentence"}; kind is
`faithful` or the fault planted.

    python3 make.py path/to/csc_case_notes.jsonl > set.jsonl
"""
import json
import random
import re
import sys

N = r"(?P<{}>[A-Z][a-zé]+)"


def pat(text):
    text = re.escape(text)
    for g in ["C", "P", "X", "S"]:
        text = text.replace(re.escape("{%s}" % g), N.format(g))
    return re.compile("^" + text + "$")


# (note sentence pattern, faithful paraphrases, {fault kind: [sentences]}).
T = [
    ("Announced home visit to see {C} and {P}.",
     ["{C} and {P} were seen on an announced home visit.",
      "An announced visit was made to the home to see {P} and {C}."],
     {"moved_place": ["Announced school visit to see {C} and {P}."],
      "invented_event": ["Announced home visit to see {C} and {P}; the police were called."],
      "wrong_person": ["Announced home visit to see {C} and Kieran."]}),
    ("Unannounced home visit; {P} answered the door and invited me in.",
     ["{P} answered the door on an unannounced home visit and invited the worker in.",
      "On an unannounced visit to the home, {P} opened the door and invited me in."],
     {"flipped_negation": ["Unannounced home visit; {P} answered the door but did not invite me in."],
      "wrong_person": ["Unannounced home visit; Grandad answered the door and invited me in."],
      "invented_event": ["Unannounced home visit; {P} answered the door, shouted and invited me in."]}),
    ("There were no concerns about the home conditions today.",
     ["Home conditions raised no concerns today.",
      "No concerns were noted about the conditions in the home today."],
     {"flipped_negation": ["There were concerns about the home conditions today.",
                           "The home conditions were a concern today."],
      "invented_event": ["There were no concerns about the home conditions today, but the boiler was broken."]}),
    ("No new concerns were raised.",
     ["No further concerns were raised."],
     {"flipped_negation": ["New concerns were raised."]}),
    ("{C} did not want to talk today and went to play in the garden.",
     ["{C} went to play in the garden and did not want to talk today.",
      "Not wanting to talk today, {C} went to play in the garden."],
     {"flipped_negation": ["{C} wanted to talk today and went to play in the garden."],
      "moved_place": ["{C} did not want to talk today and went to play in the park."],
      "invented_event": ["{C} did not want to talk today and ran away from the garden."]}),
    ("{C}'s immunisations are now up to date.",
     ["{C} is now up to date with immunisations.",
      "The immunisations of {C} are now up to date."],
     {"flipped_negation": ["{C}'s immunisations are not up to date."],
      "wrong_person": ["Kofi's immunisations are now up to date."]}),
    ("Teachers report that {C} is settled in class and has made friends.",
     ["{C} is settled in class and has made friends, teachers report.",
      "According to teachers, {C} has made friends and is settled in class."],
     {"flipped_negation": ["Teachers report that {C} is not settled in class and has made friends.",
                           "Teachers report that {C} is settled in class but has not made friends."],
      "swapped_roles": ["{C} reports that teachers are settled in class and have made friends."],
      "invented_event": ["Teachers report that {C} is settled in class, has made friends and was bullied."]}),
    ("{C} was calm during the appointment and answered questions.",
     ["During the appointment {C} was calm and answered questions.",
      "Questions were answered by {C}, who was calm during the appointment."],
     {"flipped_negation": ["{C} was not calm during the appointment and answered questions.",
                           "{C} was calm during the appointment but did not answer questions."],
      "invented_event": ["{C} was calm during the appointment, answered questions and cried."]}),
    ("{P} said the meeting was helpful.",
     ["The meeting was helpful, {P} said.",
      "According to {P}, the meeting was helpful."],
     {"flipped_negation": ["{P} said the meeting was not helpful."],
      "wrong_person": ["Susan said the meeting was helpful."]}),
    ("The school confirmed {C} was in class today.",
     ["{C} was in class today, the school confirmed.",
      "It was confirmed by the school that {C} was in class today."],
     {"flipped_negation": ["The school confirmed {C} was not in class today."],
      "moved_place": ["The school confirmed {C} was at home today."],
      "wrong_person": ["The school confirmed Kieran was in class today."]}),
    ("I spoke with {C} alone; {S} said {S2} feel safe at home.",
     ["{C} was spoken to alone and said {S} feels safe at home.",
      "Spoken with alone, {C} said {S} feels safe at home."],
     {"flipped_negation": ["I spoke with {C} alone; {S} said {S} does not feel safe at home."],
      "moved_place": ["I spoke with {C} alone; {S} said {S} feels safe at school."],
      "wrong_person": ["I spoke with {C} alone; {O} said {O} feels safe at home."]}),
    ("{P} agreed to attend the parenting course starting next month.",
     ["{P} has agreed to go to the parenting course, which starts next month.",
      "The parenting course starts next month and {P} agreed to attend it."],
     {"flipped_negation": ["{P} did not agree to attend the parenting course starting next month.",
                           "{P} refused to attend the parenting course starting next month."],
      "wrong_person": ["Kofi agreed to attend the parenting course starting next month."],
      "changed_date": ["{P} agreed to attend the parenting course starting on 3 June."]}),
    ("{P} said money has been tight since the benefits were reassessed.",
     ["Money has been tight since the benefits were reassessed, {P} said.",
      "Since the benefits were reassessed, money has been tight, according to {P}."],
     {"flipped_negation": ["{P} said money has not been tight since the benefits were reassessed."],
      "invented_event": ["{P} said money has been tight since the benefits were stopped."],
      "wrong_person": ["Grandad said money has been tight since the benefits were reassessed."]}),
    ("{P} appeared low in mood and said things had been difficult this week.",
     ["{P} said things had been difficult this week and appeared low in mood.",
      "Things had been difficult this week, said {P}, who appeared low in mood."],
     {"flipped_negation": ["{P} appeared low in mood and said things had not been difficult this week."],
      "changed_date": ["{P} appeared low in mood and said things had been difficult last month."],
      "invented_event": ["{P} appeared low in mood, said things had been difficult this week and was drinking."]}),
    ("Concern that {P} is struggling to manage {C}'s behaviour at bedtime.",
     ["{P} is struggling to manage {C}'s behaviour at bedtime, which is a concern.",
      "There is concern that {C}'s behaviour at bedtime is hard for {P} to manage."],
     {"swapped_roles": ["Concern that {C} is struggling to manage {P}'s behaviour at bedtime."],
      "changed_date": ["Concern that {P} is struggling to manage {C}'s behaviour at breakfast."],
      "moved_place": ["Concern that {P} is struggling to manage {C}'s behaviour at school."]}),
    ("{P} called to say {C} has been unwell with a cold and is off school.",
     ["{C} is off school and has been unwell with a cold, {P} said by phone.",
      "{P} phoned to say that {C} has a cold and is off school."],
     {"swapped_roles": ["{C} called to say {P} has been unwell with a cold and is off school.",
                        "{C} rang to say that {P} had a cold."],
      "invented_event": ["{P} called to say {C} has been unwell with a cold and was taken to hospital."],
      "flipped_negation": ["{P} called to say {C} has been unwell with a cold and is not off school."]}),
    ("{C} said {S} miss seeing {X} and would like more contact.",
     ["{C} would like more contact with {X}, whom {S} misses seeing.",
      "{C} misses seeing {X} and said {S} would like more contact."],
     {"swapped_roles": ["{X} said {S} misses seeing {C} and would like more contact."],
      "flipped_negation": ["{C} said {S} does not miss seeing {X} and would like more contact.",
                           "{C} said {S} misses seeing {X} and would not like more contact."]}),
    ("Staff said {C} sometimes seems hungry at the start of the day.",
     ["{C} sometimes seems hungry at the start of the day, staff said.",
      "According to staff, {C} sometimes appears hungry when the day starts."],
     {"swapped_roles": ["{C} said staff sometimes seem hungry at the start of the day."],
      "changed_date": ["Staff said {C} sometimes seems hungry at the end of the day."],
      "invented_event": ["Staff said {C} sometimes seems hungry at the start of the day and steals food."]}),
    ("{C} showed me {S3} bedroom, which was clean and had a new duvet cover.",
     ["{C}'s bedroom, which {C} showed me, was clean and had a new duvet cover.",
      "The bedroom {C} showed me was clean, with a new duvet cover."],
     {"swapped_roles": ["I showed {C} {S3} bedroom, which was clean and had a new duvet cover."],
      "flipped_negation": ["{C} showed me {S3} bedroom, which was not clean and had a new duvet cover."]}),
    ("{C} told me {S3} favourite thing this week was going swimming.",
     ["{C}'s favourite thing this week was going swimming, {S} told me.",
      "Going swimming was {C}'s favourite thing this week."],
     {"swapped_roles": ["I told {C} my favourite thing this week was going swimming."],
      "changed_date": ["{C} told me {S3} favourite thing last year was going swimming."],
      "moved_place": ["{C} told me {S3} favourite thing this week was going to the cinema."]}),
    ("{P} asked for the number of the food bank, which I sent by text.",
     ["I sent {P} the number of the food bank by text, as asked.",
      "The food bank's number was sent by text after {P} asked for it."],
     {"swapped_roles": ["I asked {P} for the number of the food bank, which {P} sent by text."],
      "moved_place": ["{P} asked for the number of the debt advice service, which I sent by text."]}),
    ("Accompanied {P} and {C} to the {PLACE}.",
     ["{P} and {C} were accompanied to the {PLACE}.",
      "I went with {C} and {P} to the {PLACE}."],
     {"moved_place": ["Accompanied {P} and {C} to the {OTHERPLACE}."],
      "wrong_person": ["Accompanied {P} and Kieran to the {PLACE}."],
      "invented_event": ["Accompanied {P} and {C} to the {PLACE}, where {C} was vaccinated."]}),
    ("Agreed that {P} will make a new appointment with the {PLACE} this week.",
     ["{P} agreed to make a new appointment with the {PLACE} this week.",
      "This week {P} will make a new appointment with the {PLACE}, it was agreed."],
     {"moved_place": ["Agreed that {P} will make a new appointment with the {OTHERPLACE} this week."],
      "changed_date": ["Agreed that {P} will make a new appointment with the {PLACE} next month."],
      "flipped_negation": ["Agreed that {P} will not make a new appointment with the {PLACE} this week."]}),
    ("The {PLACE} will review {C} again in three months.",
     ["{C} will be reviewed by the {PLACE} again in three months.",
      "In three months the {PLACE} will see {C} again for a review."],
     {"changed_number": ["The {PLACE} will review {C} again in six months.",
                         "The {PLACE} will review {C} again in 4 months."],
      "moved_place": ["The {OTHERPLACE} will review {C} again in three months."]}),
    ("Concern noted that the last two health appointments were missed.",
     ["The last two health appointments were missed, which is a concern.",
      "Two health appointments in a row were missed."],
     {"changed_number": ["Concern noted that the last three health appointments were missed."],
      "flipped_negation": ["Concern noted that the last two health appointments were attended."]}),
    ("Attendance this term is reported as below ninety per cent.",
     ["Attendance is reported as under ninety per cent this term."],
     {"changed_number": ["Attendance this term is reported as below eighty per cent.",
                         "Attendance this term is reported as below 95 per cent."]}),
    ("Next visit booked for two weeks' time.",
     ["The next visit is booked for two weeks' time.",
      "A visit was booked for two weeks from now."],
     {"changed_number": ["Next visit booked for three weeks' time."]}),
    ("The school has raised a concern that {C} has arrived without a packed lunch several times.",
     ["{C} has arrived without a packed lunch several times, the school has said with concern.",
      "Several times {C} has come to school without a packed lunch, which the school raised as a concern."],
     {"changed_number": ["The school has raised a concern that {C} has arrived without a packed lunch four times."],
      "flipped_negation": ["The school has raised no concern that {C} has arrived without a packed lunch several times."],
      "wrong_person": ["The school has raised a concern that Kieran has arrived without a packed lunch several times."]}),
    ("Agreed that a single assessment will continue and no section 47 enquiry is needed.",
     ["No section 47 enquiry is needed; it was agreed the single assessment will continue."],
     {"changed_number": ["Agreed that a single assessment will continue and no section 17 enquiry is needed."],
      "flipped_negation": ["Agreed that a single assessment will continue and a section 47 enquiry is needed."]}),
    ("Agreed that the threshold for a section 47 enquiry is met.",
     ["It was agreed that the section 47 enquiry threshold is met."],
     {"changed_number": ["Agreed that the threshold for a section 46 enquiry is met."],
      "flipped_negation": ["Agreed that the threshold for a section 47 enquiry is not met."]}),
    ("Core group meeting held at {SCHOOL}.",
     ["A core group meeting was held at {SCHOOL}."],
     {"moved_place": ["Core group meeting held at {OTHERSCHOOL}."]}),
    ("Met with the designated safeguarding lead at {SCHOOL}.",
     ["The designated safeguarding lead at {SCHOOL} was met."],
     {"moved_place": ["Met with the designated safeguarding lead at {OTHERSCHOOL}."]}),
    ("I will contact {SCHOOL} to arrange a meeting about attendance.",
     ["{SCHOOL} will be contacted to arrange a meeting about attendance."],
     {"moved_place": ["I will contact {OTHERSCHOOL} to arrange a meeting about attendance."]}),
    ("Returned a call from {SCHOOL} about {C}'s behaviour at lunchtime.",
     ["{SCHOOL} had called about {C}'s behaviour at lunchtime and the call was returned."],
     {"moved_place": ["Returned a call from {OTHERSCHOOL} about {C}'s behaviour at lunchtime."],
      "changed_date": ["Returned a call from {SCHOOL} about {C}'s behaviour at bedtime."]}),
    ("I explained why the visit is important and {P} agreed to a new time on {DAY}.",
     ["{P} agreed to a new time on {DAY} after I explained why the visit is important.",
      "Once it was explained why the visit matters, {P} agreed to a new time on {DAY}."],
     {"changed_date": ["I explained why the visit is important and {P} agreed to a new time on {OTHERDAY}."],
      "flipped_negation": ["I explained why the visit is important and {P} did not agree to a new time on {DAY}."]}),
    ("Text message from {P} to say the family are away until {DAY}.",
     ["{P} sent a text message to say the family are away until {DAY}."],
     {"changed_date": ["Text message from {P} to say the family are away until {OTHERDAY}."]}),
    ("{C} was seen briefly in school and said {S} were happy.",
     ["{C} said {S} was happy when seen briefly in school.",
      "Seen briefly in school, {C} said {S} was happy."],
     {"flipped_negation": ["{C} was seen briefly in school and said {S} was unhappy.",
                           "{C} was seen briefly in school and said {S} was not happy."],
      "moved_place": ["{C} was seen briefly at home and said {S} was happy."]}),
    ("{C} appeared tired and said {S} had been up late playing games.",
     ["{C} said {S} had been up late playing games and appeared tired.",
      "Having been up late playing games, {C} looked tired, {S} said."],
     {"flipped_negation": ["{C} appeared tired and said {S} had not been up late playing games."],
      "invented_event": ["{C} appeared tired and said {S} had been up late playing games with a stranger."]}),
    ("{P} was upset and said {S} had not slept well; I listened and offered reassurance.",
     ["{P} said {S} had not slept well and was upset; I listened and offered reassurance.",
      "Reassurance was offered to {P}, who was upset and had not slept well."],
     {"flipped_negation": ["{P} was upset and said {S} had slept well; I listened and offered reassurance.",
                           "{P} was upset and said {S} had not slept well; I did not listen."],
      "invented_event": ["{P} was upset and said {S} had not slept well; I listened and called an ambulance."]}),
    ("The police notification said no offences were disclosed and no arrests were made.",
     ["No arrests were made and no offences were disclosed, the police notification said."],
     {"flipped_negation": ["The police notification said no offences were disclosed and arrests were made."]}),
    ("Neighbours have reported shouting at the address late at night.",
     ["Shouting late at night at the address has been reported by neighbours.",
      "Neighbours say there has been shouting at the address late at night."],
     {"moved_place": ["Neighbours have reported shouting at the school late at night."],
      "changed_date": ["Neighbours have reported shouting at the address early in the morning."]}),
    ("The home was warm, tidy and there was food in the kitchen.",
     ["There was food in the kitchen and the home was tidy and warm."],
     {"flipped_negation": ["The home was warm, tidy and there was no food in the kitchen."],
      "moved_place": ["The home was warm, tidy and there was food in the bedroom."]}),
    ("{C} has been finding reading difficult and is receiving extra support.",
     ["{C} is receiving extra support, having found reading difficult.",
      "Reading has been difficult for {C}, who is receiving extra support."],
     {"flipped_negation": ["{C} has been finding reading difficult and is not receiving extra support."],
      "invented_event": ["{C} has been finding reading difficult and has been excluded from school."]}),
    ("Agreed that {C} will be offered a place at the after-school club.",
     ["{C} will be offered a place at the after-school club, it was agreed.",
      "A place at the after-school club will be offered to {C}."],
     {"flipped_negation": ["Agreed that {C} will not be offered a place at the after-school club."],
      "wrong_person": ["Agreed that Kieran will be offered a place at the after-school club."]}),
    ("{P} was given advice about dental care and registering with a dentist.",
     ["Advice about dental care and registering with a dentist was given to {P}.",
      "{P} was advised about dental care and registering with a dentist."],
     {"moved_place": ["{P} was given advice about dental care and registering with a GP surgery."],
      "wrong_person": ["Grandad was given advice about dental care and registering with a dentist."]}),
]

# Roles across clauses: who did what to whom, said by one of them. Built on
# the demo's people (the child and the parent of each note), as a note
# records an allegation.
ACROSS = [
    ("{C} said {P} had shouted at {O2}.",
     ["{P} had shouted at {C}, {C} said."],
     ["{P} said {C} had shouted at {P2}.", "{P} said that {C} had shouted at {P2} at home."]),
    ("{P} said that {C} had pushed {P2}.",
     ["According to {P}, {C} had pushed {P2}."],
     ["{C} said that {P} had pushed {O2}."]),
]

PLACES = ["dentist", "optician", "school nurse", "health visitor", "community paediatrician",
          "GP surgery", "speech and language therapist"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def main(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # the demo's planted bad rows
    rows = [r for r in rows if isinstance(r, dict) and isinstance(r.get("text"), str)]
    sents = []
    schools = set()
    for r in rows:
        for s in re.split(r"(?<=[.!?])\s+", r["text"].strip()):
            s = s[0].upper() + s[1:] if s else s
            if s not in sents:
                sents.append(s)
            for m in re.finditer(r"((?:[A-Z][a-z']+ )+(?:School|Academy|Unit))", s):
                schools.add(m.group(1).removeprefix("Met ").removeprefix("Returned "))
    schools = sorted(x for x in schools if not x.startswith(("I ", "Phone", "Core")))
    out = []
    for pattern, faithful, faults in T:
        rx = pattern
        rx = rx.replace("{PLACE}", "\x01").replace("{SCHOOL}", "\x02").replace("{DAY}", "\x03")
        rx = rx.replace("{S}", "\x04").replace("{S2}", "\x05").replace("{S3}", "\x06")
        rx = re.escape(rx)
        for g in ["C", "P", "X"]:
            rx = rx.replace(re.escape("{%s}" % g), N.format(g), 1)
            rx = rx.replace(re.escape("{%s}" % g), "(?P={})".format(g))
        rx = rx.replace("\x01", "(?P<PLACE>" + "|".join(PLACES) + ")")
        rx = rx.replace("\x02", "(?P<SCHOOL>" + "|".join(re.escape(s) for s in schools) + "|the nursery)")
        rx = rx.replace("\x03", "(?P<DAY>" + "|".join(DAYS) + ")")
        rx = rx.replace("\x04", "(?P<S>he|she)").replace("\x05", "(?:he|she)").replace("\x06", "(?P<S3>his|her)")
        rx = re.compile("^" + rx + "$")
        for s in sents:
            m = rx.match(s)
            if not m:
                continue
            g = {k: v for k, v in m.groupdict().items() if v}
            if "S" not in g and "S3" in g:
                g["S"] = "he" if g["S3"] == "his" else "she"
            g.setdefault("S", "she")
            g["S3"] = "his" if g["S"] == "he" else "her"
            g["O"] = "he" if g["S"] == "she" else "she"
            if "PLACE" in g:
                g["OTHERPLACE"] = PLACES[(PLACES.index(g["PLACE"]) + 3) % len(PLACES)]
            if "SCHOOL" in g:
                others = [x for x in schools if x != g["SCHOOL"]]
                g["OTHERSCHOOL"] = others[len(s) % len(others)]
            if "DAY" in g:
                g["OTHERDAY"] = DAYS[(DAYS.index(g["DAY"]) + 2) % len(DAYS)]
            fill = lambda t: t.format(**g)
            for f in faithful:
                out.append({"kind": "faithful", "cited": s, "sentence": fill(f)})
            for kind, fs in faults.items():
                for f in fs:
                    out.append({"kind": kind, "cited": s, "sentence": fill(f)})
    # Roles across clauses, on each note's child and first named adult.
    pairs = []
    for r in rows:
        m = re.search(r"Announced home visit to see ([A-Z][a-z]+) and ([A-Z][a-z]+)\.", r["text"])
        if m and (m.group(1), m.group(2)) not in pairs:
            pairs.append((m.group(1), m.group(2)))
    for i, (c, p) in enumerate(pairs):
        g = {"C": c, "P": p, "O2": "him" if i % 2 else "her", "P2": "her" if i % 2 else "him"}
        for cited, faithful, swapped in ACROSS:
            cited = cited.format(**g)
            for f in faithful:
                out.append({"kind": "faithful", "cited": cited, "sentence": f.format(**g)})
            for f in swapped:
                out.append({"kind": "swapped_roles", "cited": cited, "sentence": f.format(**g)})
    # At most 60 of a kind and 260 faithful, drawn evenly over the templates.
    random.Random(19).shuffle(out)
    cap = {"faithful": 260}
    kept, counts = [], {}
    for o in out:
        n = counts.get(o["kind"], 0)
        if n < cap.get(o["kind"], 60):
            counts[o["kind"]] = n + 1
            kept.append(o)
    kept.sort(key=lambda o: (o["kind"], o["cited"], o["sentence"]))
    for o in kept:
        print(json.dumps(o, ensure_ascii=False))
    print(counts, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
