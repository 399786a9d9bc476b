//! The citation gate reading words through WordNet (issue 19, item 4: the
//! gate passing faithful paraphrases): irregular forms meet their lemma,
//! words of a synset's first senses meet, and so do a collocation and the
//! word it means; while a rare sense, another person or another number
//! still fails. Needs WordNet's files (`CLEARSTONE_WORDNET`, default
//! `/usr/share/wordnet`); says SKIPPED without them, and fails when the
//! variable names a folder that does not hold them.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_notes::citation_gate;
use clearstone_notes::wordnet::{WORDNET_ENV, WordNetStatus, status};

fn wordnet() -> bool {
    match status() {
        WordNetStatus::Loaded { .. } => true,
        WordNetStatus::Missing { dir, reason } => {
            assert!(
                std::env::var_os(WORDNET_ENV).is_none(),
                "{WORDNET_ENV} names {}, which does not hold WordNet: {reason}",
                dir.display()
            );
            eprintln!(
                "SKIPPED: WordNet is not at {} ({reason}); install Debian's wordnet-base",
                dir.display()
            );
            false
        }
    }
}

fn passes(sentence: &str, cited: &str) -> bool {
    citation_gate(sentence, &[cited]).is_supported()
}

#[test]
fn irregular_forms_meet_their_lemma() {
    if !wordnet() {
        return;
    }
    // Forms the gate's own table does not list.
    assert!(passes(
        "Kai swam at the leisure centre.",
        "Kai swims at the leisure centre."
    ));
    assert!(passes(
        "Mum said the geese frighten Kai.",
        "Mum said the goose frightens Kai."
    ));
    assert!(passes(
        "Two of her teeth were decayed.",
        "Two of her tooth were decayed."
    ));
}

#[test]
fn first_senses_of_a_synset_meet() {
    if !wordnet() {
        return;
    }
    assert!(passes(
        "Mum remained in the room.",
        "Mum stayed in the room."
    ));
    assert!(passes(
        "Dad was talkative and calm.",
        "Dad was chatty and calm."
    ));
    // A rare sense joins nothing: "mother" as a verb ("beget") is
    // "father", which no summary may put for a mother.
    assert!(!passes(
        "The father came to the meeting.",
        "The mother came to the meeting."
    ));
    assert!(!passes(
        "The grandfather came to the meeting.",
        "The grandmother came to the meeting."
    ));
}

#[test]
fn a_collocation_meets_the_word_it_means() {
    if !wordnet() {
        return;
    }
    // issue 19, item 4: "go to" for "attend", "sitting room" for "living
    // room".
    assert!(passes(
        "Dad will go to the parenting course.",
        "Dad will attend the parenting course."
    ));
    assert!(passes(
        "The sitting room was cluttered.",
        "The living room was cluttered."
    ));
    assert!(passes(
        "The review meeting was put off until May.",
        "The review meeting was postponed until May."
    ));
    assert!(passes(
        "The school will look into the incident.",
        "The school will investigate the incident."
    ));
}

#[test]
fn synonyms_leave_numbers_dates_names_and_polarity_exact() {
    if !wordnet() {
        return;
    }
    let src = "Dad will attend the parenting course on 3 June with two friends.";
    assert!(!passes(
        "Dad will go to the parenting course on 4 June with two friends.",
        src
    ));
    assert!(!passes(
        "Dad will go to the parenting course on 3 June with three friends.",
        src
    ));
    assert!(!passes(
        "Mum will go to the parenting course on 3 June with two friends.",
        src
    ));
    assert!(!passes(
        "Dad will not go to the parenting course on 3 June with two friends.",
        src
    ));
    assert!(!passes("Mum left the room.", "Mum remained in the room."));
}

#[test]
fn roles_said_by_nouns_are_kept_apart() {
    if !wordnet() {
        return;
    }
    // issue 19: swapped roles said by nouns, not names (WordNet files
    // "landlord" among people and "family", "school" among groups).
    let cited = "The landlord asked the family to leave.";
    assert!(!passes("The family asked the landlord to leave.", cited));
    assert!(passes(
        "The family were asked to leave by the landlord.",
        cited
    ));
    assert!(passes("The landlord told the family to leave.", cited));
    let cited = "Another pupil's mother phoned the school.";
    assert!(!passes("The school phoned another pupil's mother.", cited));
    let cited = "The health visitor will review Harry again in three months.";
    assert!(passes(
        "Harry will be reviewed by the health visitor again in three months.",
        cited
    ));
    assert!(!passes(
        "Harry will review the health visitor again in three months.",
        cited
    ));
    // A pronoun after two parties stands for neither.
    assert!(passes(
        "The officer was asked by the inspector why he ran.",
        "The inspector asked the officer why he ran."
    ));
}

#[test]
fn a_word_meets_its_form_in_another_part_of_speech() {
    if !wordnet() {
        return;
    }
    // issue 19: WordNet's derivational links between words, not synsets.
    assert!(passes(
        "The shouting was audible from the street.",
        "The shouting could be heard from the street."
    ));
    assert!(passes(
        "Jo has been low since the death of her grandad.",
        "Jo has been low since her grandad died."
    ));
    // "father" links to the verb "father", not to "mother" beside it.
    assert!(!passes(
        "Mohammed's father said he hasn't been eating properly.",
        "Mohammed's mother said he hasn't been eating properly."
    ));
}

#[test]
fn a_light_verb_is_known_by_its_base_form() {
    if !wordnet() {
        return;
    }
    // issue 19: "taking" is cut to "tak" by the light lemma; WordNet's
    // base "take" makes it the light verb it is.
    assert!(passes(
        "Dad is taking Sam to the dentist.",
        "Dad will bring Sam to the dentist."
    ));
    // A reason names the word as WordNet spells its base, not a stem.
    let verdict = citation_gate(
        "Mum is postponing the visit.",
        &["Mum will make the visit."],
    );
    assert!(
        format!("{verdict:?}").contains("unsupported_word: postpone\""),
        "{verdict:?}"
    );
}

#[test]
fn a_phrasal_verb_split_by_its_object_is_one_verb() {
    if !wordnet() {
        return;
    }
    // issue 19: "put the meeting off" is "put_off", WordNet's "postpone".
    assert!(passes(
        "Mum put the meeting off.",
        "Mum postponed the meeting."
    ));
    assert!(passes(
        "Mum put the meeting off until Friday.",
        "Mum postponed the meeting until Friday."
    ));
    // A word that opens the next phrase is no particle.
    assert!(!passes(
        "Mum put the meeting on the agenda.",
        "Mum postponed the meeting."
    ));
}

/// The line notes commands and pages show (issue 19): only when WordNet is
/// missing, naming the folder and what the gate does without it.
#[test]
fn a_missing_wordnet_is_said_in_one_line() {
    let missing = WordNetStatus::Missing {
        dir: "/nowhere/wordnet".into(),
        reason: "no index".into(),
    };
    let line = missing.missing_line().unwrap();
    assert!(line.contains("`/nowhere/wordnet`"), "{line}");
    assert!(line.contains("without lemmas and synonyms"), "{line}");
    assert!(!line.contains('\n'));
    let loaded = WordNetStatus::Loaded {
        dir: "/usr/share/wordnet".into(),
        words: 1,
    };
    assert_eq!(loaded.missing_line(), None);
}

/// A sentence may name a cited thing more broadly, two steps up WordNet's
/// hypernyms (issue 19: "vehicle" of "car"), but not with the other
/// polarity, and not more narrowly.
#[test]
fn a_broader_word_is_supported() {
    if !wordnet() {
        return;
    }
    let car = "A car was parked on the drive.";
    assert!(passes("A vehicle was parked on the drive.", car));
    assert!(!passes("No vehicle was parked on the drive.", car));
    assert!(!passes(
        "A car was parked on the drive.",
        "A vehicle was parked on the drive."
    ));
}

/// Roles said through a possessive ("Ava's mum") and a pronoun after two
/// people in the cited text (issue 19: the third set's misses).
#[test]
fn roles_through_possessives_and_open_pronouns() {
    if !wordnet() {
        return;
    }
    let src = "Mum asked whether she could start giving Ava solid food.";
    assert!(passes(
        "Ava's mum asked if she could start giving Ava solid food.",
        src
    ));
    let src = "Mrs Ali's neighbour has been collecting her pension.";
    assert!(passes(
        "Her neighbour has been collecting Mrs Ali's pension.",
        src
    ));
    assert!(!passes(
        "Mrs Ali has been collecting her neighbour's pension.",
        src
    ));
    let told = "Dad told the school he keeps Leo at home.";
    assert!(passes(
        "Dad said to the school that he keeps Leo at home.",
        told
    ));
}

/// Issue 19, the fourth set: a phrasal verb WordNet lists says its
/// particle too, where the note has the verb it means; a negative form is
/// read as the word it negates; a word a few senses down still meets.
#[test]
fn phrases_negative_forms_and_later_senses() {
    if !wordnet() {
        return;
    }
    let ret = "She will call the crisis line if the thoughts return.";
    assert!(passes(
        "If the thoughts come back, she will call the crisis line.",
        ret
    ));
    assert!(!passes(
        "If the thoughts come back, she will call the ward.",
        ret
    ));
    let missed = "Jade didn't go to school on Monday.";
    assert!(passes("Jade missed school on Monday.", missed));
    assert!(passes("Jade was absent from school on Monday.", missed));
    assert!(!passes("Jade went to school on Monday.", missed));
    assert!(passes(
        "The psychologist watched Amelia in class.",
        "The psychologist observed Amelia in class."
    ));
}

/// Issue 19, the fourth set: WordNet's antonyms ("agree", "disagree")
/// turn a negation said one way into the other, and a word the sentence
/// says itself is not taken for an antonym.
#[test]
fn an_antonym_with_the_other_polarity_says_the_same() {
    if !wordnet() {
        return;
    }
    let disagreed = "Leo's mother disagreed with the school's view.";
    assert!(passes(
        "Leo's mother did not agree with the school's view.",
        disagreed
    ));
    assert!(!passes(
        "Leo's mother agreed with the school's view.",
        disagreed
    ));
    assert!(!passes(
        "Alexander did not answer questions.",
        "Alexander answered questions."
    ));
}

/// Issue 19: two verbs that are ways of doing one thing, or that WordNet
/// groups together, say the same ("warned" of "told", "raised" of
/// "increased"); an adjective's neighbour ("monthly" of "weekly") and a
/// noun's ("the optician" of "the dentist") do not, and neither does a
/// verb with the other polarity.
#[test]
fn verbs_close_in_wordnet_meet() {
    if !wordnet() {
        return;
    }
    assert!(passes(
        "PC Walsh warned the complainant he'd be arrested if he didn't leave.",
        "PC Walsh told the complainant that he would be arrested if he did not leave."
    ));
    assert!(passes(
        "The psychiatrist raised Mr Okafor's olanzapine from five to ten milligrams.",
        "The psychiatrist increased Mr Okafor's olanzapine from five to ten milligrams."
    ));
    assert!(!passes(
        "The school will share monthly attendance figures with me.",
        "The school will share weekly attendance figures with me."
    ));
    assert!(!passes(
        "I took Leo to the optician on Tuesday.",
        "I took Leo to the dentist on Tuesday."
    ));
    assert!(!passes(
        "PC Walsh did not warn the complainant.",
        "PC Walsh told the complainant."
    ));
    // Picking up is collecting, through a broader verb with few kinds. Only where a verb stands:
    // "winter" and "summer" are verbs too.
    assert!(passes(
        "Her aunt picked Priya up from nursery at 3pm.",
        "Priya was collected from nursery by her aunt at 3pm."
    ));
    assert!(passes(
        "Every Friday Mrs Ali's neighbour has been picking up her pension.",
        "Mrs Ali's neighbour has been collecting her pension every Friday."
    ));
    assert!(!passes(
        "The site closed for the summer.",
        "The site closed for the winter."
    ));
}
