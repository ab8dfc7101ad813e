//! What a language's locale data decides: the plural category of a count,
//! how a number is written and how a date is written. All of it comes from
//! ICU4X's compiled CLDR data (`icu_plurals`, `icu_decimal`, `icu_datetime`),
//! never from tables kept here.

use icu_datetime::fieldsets::YMD;
use icu_datetime::input::Date as IcuDate;
use icu_datetime::DateTimeFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale as IcuLocale;
use icu_plurals::{PluralCategory, PluralRules};

use crate::model::Date;

/// The CLDR plural categories, in the order the word files list them.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Locale data of one language.
pub struct Locale {
    plurals: PluralRules,
    numbers: DecimalFormatter,
    dates: DateTimeFormatter<YMD>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Locale")
    }
}

impl Locale {
    /// Locale data for a BCP 47 tag; `None` when ICU4X cannot read the tag.
    /// A language CLDR does not know gets the root locale's data (numbers
    /// and dates in a neutral form, every count `other`).
    pub fn new(code: &str) -> Option<Locale> {
        let locale = IcuLocale::try_from_str(code).ok()?;
        // A bare `en` has always written dates day first ("26 November
        // 2025"), as international English does; `en-US` asks for US dates.
        let date_locale = if code == "en" { IcuLocale::try_from_str("en-GB").ok()? } else { locale.clone() };
        Some(Locale {
            plurals: PluralRules::try_new_cardinal((&locale).into()).ok()?,
            numbers: DecimalFormatter::try_new((&locale).into(), Default::default()).ok()?,
            dates: DateTimeFormatter::try_new((&date_locale).into(), YMD::long()).ok()?,
        })
    }

    /// The CLDR plural category of `count`: `one`, `few`, `many`…
    pub fn category(&self, count: u64) -> &'static str {
        match self.plurals.category_for(count) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }

    /// A whole number as the language writes it (grouping, digits).
    pub fn number(&self, n: i64) -> String {
        self.numbers.format(&Decimal::from(n)).to_string()
    }

    /// A date as the language writes it in running text: `26 листопада 2025 р.`
    pub fn date(&self, date: Date) -> String {
        match IcuDate::try_new_iso(i32::from(date.year), date.month, date.day) {
            Ok(iso) => self.dates.format(&iso).to_string(),
            // Dates are checked when read, so this does not happen; ISO is a safe answer.
            Err(_) => date.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn ukrainian_counts_have_three_forms() {
        let uk = Locale::new("uk").unwrap();
        let forms: Vec<_> = [1, 3, 5, 21, 11, 0].iter().map(|&n| uk.category(n)).collect();
        assert_eq!(forms, ["one", "few", "many", "one", "many", "many"]);
    }

    #[test]
    fn arabic_counts_have_six_forms() {
        let ar = Locale::new("ar").unwrap();
        let forms: Vec<_> = [0, 1, 2, 3, 11, 100].iter().map(|&n| ar.category(n)).collect();
        assert_eq!(forms, ["zero", "one", "two", "few", "many", "other"]);
    }

    #[test]
    fn dates_in_each_language() {
        let day = date("2025-11-26");
        assert_eq!(Locale::new("en").unwrap().date(day), "26 November 2025");
        assert_eq!(Locale::new("en-US").unwrap().date(day), "November 26, 2025");
        assert_eq!(Locale::new("uk").unwrap().date(day), "26 листопада 2025\u{202f}р.");
        assert_eq!(Locale::new("de").unwrap().date(day), "26. November 2025");
        assert_eq!(Locale::new("fr").unwrap().date(day), "26 novembre 2025");
        assert!(Locale::new("ar").unwrap().date(day).contains("نوفمبر"));
    }

    #[test]
    fn numbers_are_grouped_as_the_language_does() {
        assert_eq!(Locale::new("en").unwrap().number(12345), "12,345");
        assert_eq!(Locale::new("de").unwrap().number(12345), "12.345");
    }
}
