//! What the pages of one publication compute once and share, whatever thread renders them: the
//! order of each list, the value behind each slug, the country of each post.
//!
//! A publication never changes, so nothing kept here can go stale: the cache is keyed by the
//! publication itself (it is [kept](Publication::kept) by the publication, shared by every
//! handle on it in the process, and goes with the last one), and pages stay pure functions of
//! the publication. Each part is bounded: when its entries weigh more than its limit, it is
//! emptied and fills again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cablegate_publication::{List, ListKind, ListOrder, Publication};

use crate::layout::{slug, tag_slug};

/// A bounded map: emptied when its entries weigh more than `limit`.
struct Memo<K, V> {
    map: Mutex<(HashMap<K, V>, usize)>,
    limit: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Memo<K, V> {
    fn new(limit: usize) -> Self {
        Memo { map: Mutex::new((HashMap::new(), 0)), limit }
    }

    /// The value of `key`, computed by `make` when missing (outside the lock: two threads may
    /// both compute it, and the same value results).
    fn get_or_try<E>(&self, key: K, weight: impl Fn(&V) -> usize, make: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(v) = self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner).0.get(&key) {
            return Ok(v.clone());
        }
        let v = make()?;
        self.insert(key, weight, v.clone());
        Ok(v)
    }

    /// Keeps `value` for `key`.
    fn insert(&self, key: K, weight: impl Fn(&V) -> usize, value: V) {
        let mut memo = self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let w = weight(&value);
        if memo.1 + w > self.limit {
            memo.0.clear();
            memo.1 = 0;
        }
        memo.1 += w;
        memo.0.insert(key, value);
    }
}

/// The row ids of a list, in its order.
pub(crate) type Order = Arc<Vec<i64>>;

/// What the pages of one publication share (see the module's documentation).
pub struct Cache {
    /// Each list's order: about 64 MB of row ids at most (every list of a full-scale publication
    /// holds about 4.7 million).
    orders: Memo<(List, ListOrder), Order>,
    /// The value behind each slug, by list kind.
    values: Memo<ListKind, Arc<HashMap<String, String>>>,
    /// The country of each post (`None` for no country).
    countries: Memo<String, Option<&'static str>>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache { orders: Memo::new(8_000_000), values: Memo::new(16), countries: Memo::new(100_000) }
    }
}

impl Cache {
    /// The cache of `publication`'s pages.
    pub fn of(publication: &Publication) -> Arc<Cache> {
        publication.kept::<Cache>()
    }

    /// The order of a list: once per publication, list and order, then each page by row id.
    /// (With LIMIT/OFFSET, each page of a list of 251,287 cables sorted the whole list again,
    /// and the export renders thousands of such pages.)
    pub(crate) fn order(&self, publication: &Publication, list: &List, order: ListOrder) -> crate::Result<Order> {
        self.orders.get_or_try(
            (list.clone(), order),
            |ids| ids.len(),
            || Ok(Arc::new(publication.list_keys(list, order)?)),
        )
    }

    /// The value whose slug `key` is, among a kind's values (the first one keeps a slug that two
    /// share); `key` itself for the kinds not keyed by slug.
    pub(crate) fn unslug(&self, publication: &Publication, kind: ListKind, key: &str) -> crate::Result<Option<String>> {
        if !kind.is_slugged() {
            return Ok(Some(key.to_owned()));
        }
        let table = self.values.get_or_try(
            kind,
            |_| 1,
            || {
                let f = if kind == ListKind::Tag { tag_slug } else { slug };
                let mut map = HashMap::new();
                for v in publication.list_values(kind)? {
                    map.entry(f(&v.value)).or_insert(v.value);
                }
                Ok::<_, crate::Error>(Arc::new(map))
            },
        )?;
        Ok(table.get(key).cloned())
    }

    /// The country of a post, once per post.
    pub(crate) fn country(
        &self,
        origin: &str,
        make: impl FnOnce() -> crate::Result<Option<&'static str>>,
    ) -> crate::Result<Option<&'static str>> {
        self.countries.get_or_try(origin.to_owned(), |_| 1, make)
    }
}

/// Origins, classifications and tags by number (a full-scale publication's 1.5 million tags
/// of cables, as strings, weighed about 80 MB).
#[derive(Default)]
struct Names {
    numbers: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    /// The number of `name`, given on first sight.
    fn number(&mut self, name: String) -> u32 {
        let next = self.names.len() as u32;
        *self.numbers.entry(name).or_insert_with_key(|name| {
            self.names.push(name.clone());
            next
        })
    }
}

/// No origin or classification.
const NONE: u32 = u32::MAX;

/// A cable as the lists are made from it.
struct ListRow {
    id: i64,
    created: Option<Box<str>>,
    reference_id: Box<str>,
    released: Box<str>,
    origin: u32,
    class: u32,
    tags: Vec<u32>,
}

/// The order of every origin, classification and tag list of a publication (and of the origins'
/// and tags' feeds), made in one pass over it and kept in its [`Cache`] as a page keeps the order
/// of a list it reads. For a mirror, which renders every list: one statement a list, each reading
/// its cables by row id and sorting them, took about 7 s of a full-scale export's CPU time; the
/// pass, two scans and two sorts, well under one. The orders are those of the statements:
/// creation (released, for feeds) newest first, then reference id, which is unique; NULL last.
pub fn prepare_lists(publication: &Publication) -> crate::Result<()> {
    let (mut origins, mut classes, mut tags) = (Names::default(), Names::default(), Names::default());
    let mut rows: Vec<ListRow> = Vec::new();
    publication.each_list_row(|r| {
        rows.push(ListRow {
            id: r.key,
            created: r.created.map(|t| t.into_string().into_boxed_str()),
            reference_id: r.reference_id.into_boxed_str(),
            released: r.released.into_string().into_boxed_str(),
            origin: r.origin.map_or(NONE, |o| origins.number(o)),
            class: r.classification.map_or(NONE, |c| classes.number(c)),
            tags: Vec::new(),
        });
    })?;
    let at: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    publication.each_tag(|id, tag| {
        if let Some(&i) = at.get(&id) {
            let tag = tags.number(tag);
            // a tag twice in a cable lists it once
            if !rows[i].tags.contains(&tag) {
                rows[i].tags.push(tag);
            }
        }
    })?;
    drop(at);
    // each row's id, in `order`, into the lists of its origin, classification and tags
    let lists_of = |order: &[&ListRow]| {
        let mut lists = (
            vec![Vec::new(); origins.names.len()],
            vec![Vec::new(); classes.names.len()],
            vec![Vec::new(); tags.names.len()],
        );
        for r in order {
            if let Some(l) = lists.0.get_mut(r.origin as usize) {
                l.push(r.id);
            }
            if let Some(l) = lists.1.get_mut(r.class as usize) {
                l.push(r.id);
            }
            for &t in &r.tags {
                lists.2[t as usize].push(r.id);
            }
        }
        lists
    };
    let cache = Cache::of(publication);
    let keep = |kind: ListKind, order: ListOrder, names: &Names, lists: Vec<Vec<i64>>| {
        for (name, ids) in names.names.iter().zip(lists) {
            cache.orders.insert((List::Of(kind, name.clone()), order), |ids| ids.len(), Arc::new(ids));
        }
    };
    let mut order: Vec<&ListRow> = rows.iter().collect();
    // newest created first, no date last (SQLite's NULL is the least value)
    order.sort_unstable_by(|a, b| b.created.cmp(&a.created).then_with(|| a.reference_id.cmp(&b.reference_id)));
    let (origin, class, tag) = lists_of(&order);
    keep(ListKind::Origin, ListOrder::Created, &origins, origin);
    keep(ListKind::Classification, ListOrder::Created, &classes, class);
    keep(ListKind::Tag, ListOrder::Created, &tags, tag);
    order.sort_unstable_by(|a, b| b.released.cmp(&a.released).then_with(|| a.reference_id.cmp(&b.reference_id)));
    let (origin, _, tag) = lists_of(&order);
    keep(ListKind::Origin, ListOrder::Released, &origins, origin);
    keep(ListKind::Tag, ListOrder::Released, &tags, tag);
    Ok(())
}
