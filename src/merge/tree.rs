//! The field-by-field three-way merge of serialised documents (`serde_json::Value` trees).
//!
//! Rules, applied at every level:
//! - a value that only one side changed takes that side's value; the same change on both sides
//!   is taken once;
//! - objects merge key by key, so different fields never conflict (an object whose `type` tag
//!   differs between versions, such as a quiz item body changed to another item type, is one
//!   value);
//! - lists whose elements all have a key (an `id`, the `course` of a curriculum-map mark, the
//!   `level` of a rubric descriptor, or the scalar itself for lists of ids) merge element by
//!   element, and their order merges as a three-way merge of key sequences ([`merge_order`]):
//!   both sides' inserts and moves are kept; inserts at the same place come ours first;
//!   an element both sides moved goes where ours put it;
//! - anything else changed both ways is a [`Conflict`]; the result keeps ours, or the side that
//!   still has the value when the other deleted it (an entity deleted on one side and edited on
//!   the other is kept, edited). Two `updatedAt` stamps take the later one.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Conflict;
use crate::model::Keyed;

/// Collects conflicts while merging.
pub(super) struct TreeMerge {
    pub conflicts: Vec<Conflict>,
    path: Vec<String>,
    /// The innermost keyed entity: (kind, id, path length where its fields start).
    entities: Vec<(String, String, usize)>,
}

impl TreeMerge {
    pub fn new() -> Self {
        TreeMerge { conflicts: Vec::new(), path: Vec::new(), entities: Vec::new() }
    }

    /// Merges one value; `None` means absent (deleted or never there).
    pub fn merge(
        &mut self,
        base: Option<&Value>,
        ours: Option<&Value>,
        theirs: Option<&Value>,
    ) -> Option<Value> {
        if ours == theirs {
            return ours.cloned();
        }
        if base == ours {
            return theirs.cloned();
        }
        if base == theirs {
            return ours.cloned();
        }
        match (base, ours, theirs) {
            (Some(Value::Object(b)), Some(Value::Object(o)), Some(Value::Object(t)))
                if same_tag(Some(b), o, t) =>
            {
                Some(Value::Object(self.merge_objects(Some(b), o, t)))
            }
            (None, Some(Value::Object(o)), Some(Value::Object(t))) if same_tag(None, o, t) => {
                Some(Value::Object(self.merge_objects(None, o, t)))
            }
            (Some(Value::Array(b)), Some(Value::Array(o)), Some(Value::Array(t))) => {
                match (keys_of(b), keys_of(o), keys_of(t)) {
                    (Some(kb), Some(ko), Some(kt)) => {
                        Some(Value::Array(self.merge_list(b, o, t, &kb, &ko, &kt)))
                    }
                    _ => self.conflict(base, ours, theirs),
                }
            }
            (None, Some(Value::Array(o)), Some(Value::Array(t))) => match (keys_of(o), keys_of(t)) {
                (Some(ko), Some(kt)) => Some(Value::Array(self.merge_list(&[], o, t, &[], &ko, &kt))),
                _ => self.conflict(base, ours, theirs),
            },
            _ => self.conflict(base, ours, theirs),
        }
    }

    fn conflict(
        &mut self,
        base: Option<&Value>,
        ours: Option<&Value>,
        theirs: Option<&Value>,
    ) -> Option<Value> {
        if self.path.last().is_some_and(|k| k == "updatedAt")
            && let (Some(Value::String(o)), Some(Value::String(t))) = (ours, theirs)
        {
            return Some(Value::String(o.max(t).clone()));
        }
        let (kind, id, start) =
            self.entities.last().cloned().unwrap_or_else(|| ("document".into(), String::new(), 0));
        let field = join_path(&self.path[start.min(self.path.len())..]);
        self.conflicts.push(Conflict {
            path: join_path(&self.path),
            kind,
            id,
            field,
            base: base.cloned(),
            ours: ours.cloned(),
            theirs: theirs.cloned(),
        });
        ours.or(theirs).cloned()
    }

    fn merge_objects(
        &mut self,
        base: Option<&Map<String, Value>>,
        ours: &Map<String, Value>,
        theirs: &Map<String, Value>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        // Ours' key order first, then keys only theirs has (serde writes declaration order).
        let keys = ours.keys().chain(theirs.keys().filter(|k| !ours.contains_key(*k)));
        let keys: Vec<String> = keys.cloned().collect();
        for key in keys {
            self.path.push(key.clone());
            let merged = self.merge(base.and_then(|b| b.get(&key)), ours.get(&key), theirs.get(&key));
            self.path.pop();
            if let Some(v) = merged {
                out.insert(key, v);
            }
        }
        out
    }

    fn merge_list(
        &mut self,
        base: &[Value],
        ours: &[Value],
        theirs: &[Value],
        kb: &[String],
        ko: &[String],
        kt: &[String],
    ) -> Vec<Value> {
        let by = |keys: &[String], vals: &[Value]| -> HashMap<String, usize> {
            keys.iter().enumerate().map(|(i, k)| (k.clone(), i)).take(vals.len()).collect()
        };
        let (mb, mo, mt) = (by(kb, base), by(ko, ours), by(kt, theirs));
        let kind = self.path.last().map(|c| singular(c)).unwrap_or("entity").to_owned();
        let mut merged: HashMap<&str, Value> = HashMap::new();
        let all = ko.iter().chain(kt.iter()).chain(kb.iter());
        let mut seen = HashSet::new();
        for key in all {
            if !seen.insert(key.as_str()) {
                continue;
            }
            let b = mb.get(key).map(|&i| &base[i]);
            let o = mo.get(key).map(|&i| &ours[i]);
            let t = mt.get(key).map(|&i| &theirs[i]);
            let scalar = [b, o, t].into_iter().flatten().all(|v| !v.is_object());
            if !scalar {
                self.path.push(format!("[{}]", key_label(key)));
                let len = self.path.len();
                self.entities.push((kind.clone(), key_label(key).to_owned(), len));
            }
            let value = self.merge(b, o, t);
            if !scalar {
                self.entities.pop();
                self.path.pop();
            }
            if let Some(v) = value {
                merged.insert(key.as_str(), v);
            }
        }
        let kb: Vec<&str> = kb.iter().map(String::as_str).collect();
        let ko: Vec<&str> = ko.iter().map(String::as_str).collect();
        let kt: Vec<&str> = kt.iter().map(String::as_str).collect();
        let order = merge_order(&kb, &ko, &kt, |k| merged.contains_key(k));
        order.into_iter().filter_map(|k| merged.remove(k)).collect()
    }
}

impl TreeMerge {
    /// Merges the document-level field `key` given as values (see [`TreeMerge::merge`]).
    pub fn merge_field(
        &mut self,
        key: &str,
        base: Option<&Value>,
        ours: Option<&Value>,
        theirs: Option<&Value>,
    ) -> Option<Value> {
        self.path.push(key.to_owned());
        let merged = self.merge(base, ours, theirs);
        self.path.pop();
        merged
    }

    /// Merges the document-level entity list `key` on the model type, with the same result
    /// and conflicts as merging the lists' serialised values: entities are matched by id, an
    /// entity only one side changed (compared as typed values, which compare as their
    /// serialised forms do) is taken as it is, and only an entity both sides changed is
    /// serialised and merged field by field. Lists whose ids are not unique are merged as
    /// values. `Err` when a merged entity does not deserialise into its type.
    pub fn merge_entities<T>(
        &mut self,
        key: &str,
        base: Option<&[T]>,
        ours: &[T],
        theirs: &[T],
    ) -> std::result::Result<Vec<T>, String>
    where
        T: Keyed + Serialize + DeserializeOwned + PartialEq + Clone,
    {
        // The list as one value first, as `merge` does.
        if ours == theirs {
            return Ok(ours.to_vec());
        }
        if base == Some(ours) {
            return Ok(theirs.to_vec());
        }
        if base == Some(theirs) {
            return Ok(ours.to_vec());
        }
        let keys = |list: &[T]| -> Option<Vec<Uuid>> {
            let keys: Vec<Uuid> = list.iter().map(Keyed::key).collect();
            let unique: HashSet<Uuid> = keys.iter().copied().collect();
            (unique.len() == keys.len()).then_some(keys)
        };
        let (Some(kb), Some(ko), Some(kt)) = (keys(base.unwrap_or(&[])), keys(ours), keys(theirs)) else {
            return self.merge_entities_as_values(key, base, ours, theirs);
        };
        let base = base.unwrap_or(&[]);
        let by = |keys: &[Uuid]| -> HashMap<Uuid, usize> {
            keys.iter().enumerate().map(|(i, &k)| (k, i)).collect()
        };
        let (mb, mo, mt) = (by(&kb), by(&ko), by(&kt));
        let kind = singular(key).to_owned();
        let mut merged: HashMap<Uuid, T> = HashMap::with_capacity(ko.len().max(kt.len()));
        let mut seen: HashSet<Uuid> = HashSet::with_capacity(ko.len().max(kt.len()));
        self.path.push(key.to_owned());
        for &id in ko.iter().chain(&kt).chain(&kb) {
            if !seen.insert(id) {
                continue;
            }
            let b = mb.get(&id).map(|&i| &base[i]);
            let o = mo.get(&id).map(|&i| &ours[i]);
            let t = mt.get(&id).map(|&i| &theirs[i]);
            let value = if o == t {
                o.cloned()
            } else if b == o {
                t.cloned()
            } else if b == t {
                o.cloned()
            } else {
                match self.merge_entity(&kind, id, b, o, t) {
                    Ok(value) => value,
                    Err(e) => {
                        self.path.pop();
                        return Err(e);
                    }
                }
            };
            if let Some(v) = value {
                merged.insert(id, v);
            }
        }
        self.path.pop();
        let order = merge_order(&kb, &ko, &kt, |k| merged.contains_key(&k));
        Ok(order.into_iter().filter_map(|k| merged.remove(&k)).collect())
    }

    /// One entity both sides changed: merged field by field as values.
    fn merge_entity<T: Serialize + DeserializeOwned>(
        &mut self,
        kind: &str,
        id: Uuid,
        base: Option<&T>,
        ours: Option<&T>,
        theirs: Option<&T>,
    ) -> std::result::Result<Option<T>, String> {
        let value = |v: Option<&T>| v.map(serde_json::to_value).transpose().map_err(|e| e.to_string());
        let (b, o, t) = (value(base)?, value(ours)?, value(theirs)?);
        let label = id.to_string();
        self.path.push(format!("[{label}]"));
        self.entities.push((kind.to_owned(), label, self.path.len()));
        let merged = self.merge(b.as_ref(), o.as_ref(), t.as_ref());
        self.entities.pop();
        self.path.pop();
        merged.map(|v| serde_json::from_value(v).map_err(|e| format!("{kind} {id}: {e}"))).transpose()
    }

    /// [`TreeMerge::merge_entities`] through the lists' serialised values.
    fn merge_entities_as_values<T: Serialize + DeserializeOwned>(
        &mut self,
        key: &str,
        base: Option<&[T]>,
        ours: &[T],
        theirs: &[T],
    ) -> std::result::Result<Vec<T>, String> {
        let value = |v: &[T]| serde_json::to_value(v).map_err(|e| e.to_string());
        let b = base.map(value).transpose()?;
        let (o, t) = (value(ours)?, value(theirs)?);
        match self.merge_field(key, b.as_ref(), Some(&o), Some(&t)) {
            Some(v) => serde_json::from_value(v).map_err(|e| format!("{key}: {e}")),
            None => Ok(Vec::new()),
        }
    }
}

/// `objectives[ID].abcd.behavior`.
fn join_path(parts: &[String]) -> String {
    let mut out = String::new();
    for part in parts {
        if !out.is_empty() && !part.starts_with('[') {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

/// Objects whose `type` tag is the same in every version present (or absent everywhere).
fn same_tag(
    base: Option<&Map<String, Value>>,
    ours: &Map<String, Value>,
    theirs: &Map<String, Value>,
) -> bool {
    let tag = ours.get("type");
    theirs.get("type") == tag && base.is_none_or(|b| b.get("type") == tag)
}

/// The keys of a list's elements, or `None` when an element has no key or two share one.
fn keys_of(list: &[Value]) -> Option<Vec<String>> {
    let mut keys = Vec::with_capacity(list.len());
    let mut seen = HashSet::with_capacity(list.len());
    for v in list {
        let key = match v {
            Value::Object(m) => match ["id", "course", "level", "language"].iter().find_map(|k| m.get(*k)) {
                Some(Value::String(s)) => format!("#{s}"),
                _ => return None,
            },
            Value::String(s) => format!("={s}"),
            Value::Number(_) | Value::Bool(_) => format!("={v}"),
            _ => return None,
        };
        if !seen.insert(key.clone()) {
            return None;
        }
        keys.push(key);
    }
    Some(keys)
}

/// The key without its object/scalar marker.
fn key_label(key: &str) -> &str {
    key.get(1..).unwrap_or(key)
}

/// The entity kind of an element of the list named `list`.
fn singular(list: &str) -> &str {
    match list {
        "nodes" => "node",
        "objectives" => "objective",
        "frameworks" => "framework",
        "standardItems" => "standard item",
        "associations" => "association",
        "activities" => "activity",
        "assessments" => "assessment",
        "rubrics" => "rubric",
        "comments" => "comment",
        "reviewEvents" => "review event",
        "snapshots" => "snapshot",
        "assets" => "asset",
        "translations" => "translation",
        "texts" => "translated text",
        "items" => "item",
        "levels" => "rubric level",
        "criteria" => "criterion",
        "descriptors" => "descriptor",
        "choices" => "choice",
        "pairs" => "pair",
        "emphasis" => "curriculum-map mark",
        "resources" => "resource",
        other => other,
    }
}

/// Three-way merge of key sequences. Elements kept in their base order by both sides form the
/// skeleton; then ours' inserted and moved elements go after their nearest preceding element
/// in ours, then theirs' after theirs' nearest preceding element (skipping ours' inserts at the
/// same place, so ours come first). An element both sides moved goes where ours put it.
/// Only elements `keep` accepts are in the result.
pub(super) fn merge_order<K: Copy + Eq + Hash>(
    base: &[K],
    ours: &[K],
    theirs: &[K],
    keep: impl Fn(K) -> bool,
) -> Vec<K> {
    if ours == base && theirs == base {
        return base.iter().copied().filter(|&k| keep(k)).collect();
    }
    // Intern every key.
    let mut index: HashMap<K, usize> = HashMap::with_capacity(base.len().max(ours.len()));
    let mut names: Vec<K> = Vec::new();
    for &k in base.iter().chain(ours).chain(theirs) {
        index.entry(k).or_insert_with(|| {
            names.push(k);
            names.len() - 1
        });
    }
    let n = names.len();
    let ids = |seq: &[K]| -> Vec<usize> { seq.iter().map(|k| index[k]).collect() };
    let (b, o, t) = (ids(base), ids(ours), ids(theirs));
    let kept: Vec<bool> = names.iter().map(|&k| keep(k)).collect();
    let stable_o = stable(&b, &o, n);
    let stable_t = stable(&b, &t, n);
    let mut in_t = vec![false; n];
    for &i in &t {
        in_t[i] = true;
    }
    // Linked list; slot `n` is the head, `usize::MAX` the end.
    const END: usize = usize::MAX;
    let head = n;
    let mut next = vec![END; n + 1];
    let mut placed = vec![false; n];
    let mut by_ours = vec![false; n];
    let mut tail = head;
    for &i in &b {
        if kept[i] && stable_o[i] && stable_t[i] {
            next[tail] = i;
            tail = i;
            placed[i] = true;
        }
    }
    let insert = |next: &mut Vec<usize>, after: usize, i: usize| {
        next[i] = next[after];
        next[after] = i;
    };
    let mut cursor = head;
    for &i in &o {
        if !kept[i] {
            continue;
        }
        if placed[i] {
            cursor = i;
        } else if stable_o[i] && in_t[i] && !stable_t[i] {
            // Theirs moved it, ours did not: theirs places it.
        } else {
            insert(&mut next, cursor, i);
            placed[i] = true;
            by_ours[i] = true;
            cursor = i;
        }
    }
    cursor = head;
    for &i in &t {
        if !kept[i] {
            continue;
        }
        if placed[i] {
            cursor = i;
            continue;
        }
        while next[cursor] != END && by_ours[next[cursor]] && !in_t[next[cursor]] {
            cursor = next[cursor];
        }
        insert(&mut next, cursor, i);
        placed[i] = true;
        cursor = i;
    }
    let mut out = Vec::with_capacity(n);
    let mut at = next[head];
    while at != END {
        out.push(names[at]);
        at = next[at];
    }
    // Kept but in neither side's sequence cannot happen; keep base order just in case.
    out.extend(b.iter().filter(|&&i| kept[i] && !placed[i]).map(|&i| names[i]));
    out
}

/// Which elements of `side` keep their base order: a longest increasing subsequence of their
/// base positions (keys are unique, so this is the longest common subsequence).
fn stable(base: &[usize], side: &[usize], n: usize) -> Vec<bool> {
    let mut pos = vec![usize::MAX; n];
    for (p, &i) in base.iter().enumerate() {
        pos[i] = p;
    }
    let seq: Vec<(usize, usize)> =
        side.iter().filter(|&&i| pos[i] != usize::MAX).map(|&i| (pos[i], i)).collect();
    // Patience sorting with back links.
    let mut tails: Vec<usize> = Vec::new(); // indices into seq
    let mut prev = vec![usize::MAX; seq.len()];
    for (j, &(p, _)) in seq.iter().enumerate() {
        let at = tails.partition_point(|&k| seq[k].0 < p);
        if at > 0 {
            prev[j] = tails[at - 1];
        }
        if at == tails.len() {
            tails.push(j);
        } else {
            tails[at] = j;
        }
    }
    let mut out = vec![false; n];
    let mut at = tails.last().copied().unwrap_or(usize::MAX);
    while at != usize::MAX {
        out[seq[at].1] = true;
        at = prev[at];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::merge_order;

    fn order(b: &str, o: &str, t: &str) -> String {
        let split = |s: &'static str| s.split_terminator("").filter(|c| !c.is_empty()).collect::<Vec<_>>();
        let (b, o, t) = (split(leak(b)), split(leak(o)), split(leak(t)));
        let keep: Vec<&str> = o
            .iter()
            .chain(&t)
            .copied()
            .filter(|k| b.contains(k) == (o.contains(k) && t.contains(k)))
            .collect();
        merge_order(&b, &o, &t, |k| keep.contains(&k)).concat()
    }

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }

    #[test]
    fn inserts_at_one_place_come_ours_first() {
        assert_eq!(order("ab", "axb", "ayb"), "axyb");
    }

    #[test]
    fn a_move_and_an_insert_are_both_kept() {
        assert_eq!(order("abcd", "dabc", "abxcd"), "dabxc");
    }

    #[test]
    fn deletions_on_either_side_are_kept() {
        assert_eq!(order("abcd", "acd", "abd"), "ad");
    }
}
