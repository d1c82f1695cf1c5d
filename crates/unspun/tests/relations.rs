//! The relation decided for hand-made pairs that each exercise one rule.
use std::collections::BTreeMap;
use unspun::io::Document;
use unspun::{Config, Engine, SilentObserver};

fn doc(id: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        url: None,
        date: None,
        section: None,
        lang: Some("en".into()),
        title: None,
        author: None,
        site_name: None,
        origin: id.into(),
        article: None,
    }
}

/// Relation between `a` and `b` after scanning them together, if any.
fn relation(a: &str, b: &str) -> Option<String> {
    let engine = Engine::new(Config::default(), None).unwrap();
    let out = engine.scan(vec![doc("a", a), doc("b", b)], BTreeMap::new(), &SilentObserver).unwrap();
    out.pairs.first().map(|p| p.relation.clone())
}

const SOURCE: &str = "Moscow-based cyber security firm Kaspersky Lab said this week it is considering changes to its unit that sells products to the U.S. government.\n\nThe U.S. Senate this week is voting on a defense spending bill that includes language that would bar Kaspersky Lab products from being used by U.S. government agencies.\n\nKaspersky has repeatedly denied that it has ties to any government and said it would not help any government with cyber espionage.\n\nBest Buy Co, the top U.S. electronics retailer, last week said it was pulling Kaspersky Lab cyber security products from its shelves and website.";

const SPUN: &str = "Moscow-located cyber security company Kaspersky Lab claimed this week that it is thinking making alterations to its arm that trades goods to the U.S. government.\n\nThe U.S. Senate this week is voting on a defense rule investing bill that composes language that might bar Kaspersky Lab goods from being utilized by U.S. government agencies.\n\nKaspersky has frequently denied that it has relations to any government and claimed it might not assist any government with cyber spying.\n\nBest Buy Co, the top electronics retailer in the U.S., last week claimed that it was pulling cyber security products of Kaspersky Lab from its website and shelves.";

#[test]
fn a_spin_is_a_rewrite() {
    assert_eq!(relation(SOURCE, SPUN).as_deref(), Some("rewrite"));
}

#[test]
fn a_truncated_copy_is_a_duplicate() {
    let cut = &SOURCE[..SOURCE.find("\n\nKaspersky has").unwrap()];
    assert_eq!(relation(SOURCE, cut).as_deref(), Some("duplicate"));
}

#[test]
fn identical_texts_that_are_all_quotation_are_duplicates() {
    let q = "\"Our emphasis is two-fold: decontrol and de-license items where such actions will not endanger our national security, and streamline the licensing process for the remaining items,\" the senators said in a joint statement released on Tuesday in Washington.";
    assert_eq!(relation(q, q).as_deref(), Some("duplicate"));
}

#[test]
fn independent_coverage_is_not_a_copy() {
    let other = "Kaspersky Lab may close its Washington office, according to a report in the newsletter The Bell.\n\nGovernment agencies are among the biggest buyers of security tools and are effectively barred from using the firm's services.\n\nThe retailer Best Buy stopped selling Kaspersky antivirus software last week after reports of ties to Russian intelligence.\n\nThe company plans new offices in Chicago, Toronto and Los Angeles next year.";
    assert_eq!(relation(SOURCE, other), None);
}

#[test]
fn a_template_filled_in_for_another_company_is_not_a_copy() {
    let a = "Acme Industries Inc said its board declared a quarterly dividend of 25 cts per share, payable April 1 to shareholders of record March 15, unchanged from the prior quarter.\n\nThe company said the dividend reflects its confidence in continued growth of its industrial coatings business in North America.";
    let b = "Borden Mining Corp said its board declared a quarterly dividend of 40 cts per share, payable May 12 to shareholders of record April 20, unchanged from the prior quarter.\n\nThe company said the dividend reflects its confidence in continued growth of its copper business in South America.";
    assert_eq!(relation(a, b), None);
}

#[test]
fn two_copied_sentences_that_are_much_of_an_excerpt_make_a_copy() {
    // Two excerpts of one article covering different spans: two sentences in common, word for word, and
    // the rest of each excerpt its own; under a quarter of either is shared.
    let a = "Harbour officials in Kessling said on Monday that the northern pier will close for repairs until the end of August this year.\n\nFishing crews have been told to use the southern quay, which is smaller and already crowded in the summer months.\n\nThe regional transport board approved an emergency grant of 2.4 million crowns to rebuild the collapsed section of the breakwater.\n\nEngineers blamed the winter storms and decades of deferred maintenance for the damage.\n\nLocal restaurants fear that visitors will stay away while cranes and barriers block the waterfront promenade.\n\nThe ferry to the islands will keep its timetable, a spokesman for the operator said.";
    let b = "Harbour officials in Kessling said on Monday that the northern pier will close for repairs until the end of August this year.\n\nA spokeswoman for the fishermen's association called the decision overdue and asked for compensation for lost catches.\n\nThe regional transport board approved an emergency grant of 2.4 million crowns to rebuild the collapsed section of the breakwater.\n\nTenders for the work will open next week, and the board expects the first contracts to be signed in June.\n\nOpposition councillors want an inquiry into why inspections last autumn missed the cracks.\n\nThe last major works on the harbour, in the 1990s, ran two years late and far over budget.";
    assert_eq!(relation(a, b).as_deref(), Some("duplicate"));
}

const EN: &str = "Toshiba Corp said on Wednesday it had agreed to sell its memory chip unit to a group led by Bain Capital for 2 trillion yen ($18 billion).\n\nThe Tokyo-based company said the deal with Bain, SK Hynix and Apple would close by March 2018.\n\nWestern Digital, which operates the Yokkaichi plant with Toshiba, said on Thursday it would seek an injunction in San Francisco.\n\nToshiba shares rose 4.2 percent to 329 yen in Tokyo on Thursday, after the board approved the sale on September 20.\n\nChief Executive Satoshi Tsunakawa said Toshiba needed the 2 trillion yen to avoid a delisting from the Tokyo Stock Exchange.";

const ES: &str = "Toshiba Corp dijo el miércoles que había acordado vender su unidad de chips de memoria a un grupo liderado por Bain Capital por 2 billones de yenes (18.000 millones de dólares).\n\nLa empresa con sede en Tokio dijo que el acuerdo con Bain, SK Hynix y Apple se cerraría en marzo de 2018.\n\nWestern Digital, que opera la planta de Yokkaichi con Toshiba, dijo el jueves que pedirá una orden judicial en San Francisco.\n\nLas acciones de Toshiba subieron un 4,2 por ciento a 329 yenes en Tokio el jueves, después de que el consejo aprobara la venta el 20 de septiembre.\n\nEl consejero delegado Satoshi Tsunakawa dijo que Toshiba necesitaba los 2 billones de yenes para evitar su exclusión de la Bolsa de Tokio.";

/// A translation is found against the index as within a batch: the indexed text is loaded for a
/// candidate found by names and numbers alone when its stored language differs, and one in the same
/// language is not.
#[test]
fn a_translation_of_an_indexed_document_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.redb");
    let with_lang = |id: &str, text: &str, lang: &str| Document { lang: Some(lang.into()), ..doc(id, text) };
    let together = Engine::new(Config::default(), None)
        .unwrap()
        .scan(vec![with_lang("en", EN, "en"), with_lang("es", ES, "es")], BTreeMap::new(), &SilentObserver)
        .unwrap();
    assert_eq!(together.pairs.first().map(|p| p.relation.as_str()), Some("translation"));
    {
        let engine = Engine::new(Config::default(), Some(&path)).unwrap();
        engine.scan(vec![with_lang("en", EN, "en")], BTreeMap::new(), &SilentObserver).unwrap();
    }
    let engine = Engine::new(Config::default(), Some(&path)).unwrap();
    let out = engine.scan(vec![with_lang("es", ES, "es")], BTreeMap::new(), &SilentObserver).unwrap();
    let p = out.pairs.iter().find(|p| p.relation == "translation").expect("the translation, against the index");
    assert_eq!((p.a.as_str(), p.b.as_str()), ("en", "es"));
    // The same text labelled English is no translation of the indexed English one.
    let path = dir.path().join("j.redb");
    Engine::new(Config::default(), Some(&path))
        .unwrap()
        .scan(vec![with_lang("en", EN, "en")], BTreeMap::new(), &SilentObserver)
        .unwrap();
    let engine = Engine::new(Config::default(), Some(&path)).unwrap();
    let out = engine.scan(vec![with_lang("es", ES, "en")], BTreeMap::new(), &SilentObserver).unwrap();
    assert!(
        out.pairs.iter().all(|p| p.relation == "same_story"),
        "{:?}",
        out.pairs.iter().map(|p| &p.relation).collect::<Vec<_>>()
    );
}
