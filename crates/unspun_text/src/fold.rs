//! Folding words to what their variants share: case and accents, and the month or weekday a word of
//! any common language of news names. The event terms of the story stage and the alignment of
//! translations both compare words across languages.

/// Month names of the languages news crawls carry most, each folded to one term: "13 de
/// septiembre" and "Sept. 13" then share the month as well as the day. English months count only
/// capitalised ("march", "may" are words); "May" and "Mai" are left out (a name, a verb).
const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("janeiro", 1),
    ("janvier", 1),
    ("januar", 1),
    ("gennaio", 1),
    ("januari", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("fevereiro", 2),
    ("fevrier", 2),
    ("februar", 2),
    ("febbraio", 2),
    ("februari", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("marco", 3),
    ("mars", 3),
    ("maerz", 3),
    ("marz", 3),
    ("maart", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("avril", 4),
    ("aprile", 4),
    ("mayo", 5),
    ("maio", 5),
    ("maggio", 5),
    ("mei", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("junho", 6),
    ("juin", 6),
    ("juni", 6),
    ("giugno", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("julho", 7),
    ("juillet", 7),
    ("juli", 7),
    ("luglio", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("aout", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("setembro", 9),
    ("septembre", 9),
    ("settembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("outubro", 10),
    ("octobre", 10),
    ("oktober", 10),
    ("ottobre", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("novembre", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dezembro", 12),
    ("decembre", 12),
    ("dezember", 12),
    ("dicembre", 12),
];

/// English month names (and their abbreviations), which are also common words in lower case.
fn english_month(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "jan"
            | "february"
            | "feb"
            | "march"
            | "mar"
            | "april"
            | "apr"
            | "june"
            | "jun"
            | "july"
            | "jul"
            | "august"
            | "aug"
            | "september"
            | "sep"
            | "sept"
            | "october"
            | "oct"
            | "november"
            | "nov"
            | "december"
            | "dec"
    )
}

/// The month (1-12) a folded word names, if any; English months only when `capitalised`.
pub fn month_of(folded: &str, capitalised: bool) -> Option<u8> {
    let m = MONTHS.iter().find(|m| m.0 == folded)?.1;
    (capitalised || !english_month(folded)).then_some(m)
}

/// Lower case without the accents of Latin letters: "Méndez" and "Mendez", "información" and
/// "informacion" are one term (and a cognate's stem, "inform", meets the English one).
pub fn fold_into(word: &str, digits_only: bool, buf: &mut String) {
    buf.clear();
    for c in word.chars().flat_map(char::to_lowercase) {
        if digits_only {
            if c.is_ascii_digit() {
                buf.push(c);
            }
            continue;
        }
        let f = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            '\'' | '’' => continue,
            c => c,
        };
        buf.push(f);
    }
}

/// Weekday names of the languages news crawls carry most, each folded to one term: "el jueves" and
/// "on Thursday" name the same day of the story. Portuguese counts its weekdays ("quinta-feira"),
/// whose first words are also ordinals, so it is left out.
const WEEKDAYS: &[(&str, u8)] = &[
    ("monday", 1),
    ("lunes", 1),
    ("lundi", 1),
    ("montag", 1),
    ("lunedi", 1),
    ("tuesday", 2),
    ("martes", 2),
    ("mardi", 2),
    ("dienstag", 2),
    ("martedi", 2),
    ("wednesday", 3),
    ("miercoles", 3),
    ("mercredi", 3),
    ("mittwoch", 3),
    ("mercoledi", 3),
    ("thursday", 4),
    ("jueves", 4),
    ("jeudi", 4),
    ("donnerstag", 4),
    ("giovedi", 4),
    ("friday", 5),
    ("viernes", 5),
    ("vendredi", 5),
    ("freitag", 5),
    ("venerdi", 5),
    ("saturday", 6),
    ("sabado", 6),
    ("samedi", 6),
    ("samstag", 6),
    ("sabato", 6),
    ("sunday", 7),
    ("domingo", 7),
    ("dimanche", 7),
    ("sonntag", 7),
    ("domenica", 7),
];

/// The weekday (1 Monday - 7 Sunday) a folded word names, if any.
pub fn weekday_of(folded: &str) -> Option<u8> {
    WEEKDAYS.iter().find(|d| d.0 == folded).map(|d| d.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_weekdays_fold_across_languages() {
        let mut buf = String::new();
        fold_into("Septiembre", false, &mut buf);
        assert_eq!(month_of(&buf, false), Some(9));
        fold_into("julio", false, &mut buf);
        assert_eq!(month_of(&buf, false), Some(7));
        // "march" in lower case is a verb.
        assert_eq!(month_of("march", false), None);
        assert_eq!(month_of("march", true), Some(3));
        fold_into("miércoles", false, &mut buf);
        assert_eq!(weekday_of(&buf), Some(3));
        assert_eq!(weekday_of("thursday"), Some(4));
        assert_eq!(weekday_of("today"), None);
    }
}
