//! The README's commands, checked against the real command line: every `cablegate …` line of its
//! code blocks names commands that exist and flags they take, and every example line (one with
//! no `[…]` or `…` of a synopsis) parses as it stands.

use clap::CommandFactory;

use crate::Cli;

/// `"a b" 'c d' e` -> `["a b", "c d", "e"]`: words as a POSIX shell splits them (no escapes or
/// variables: the README has none).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    out
}

/// Every command of the README's code blocks: (line number, the command, its comment).
fn readme_commands(readme: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, line) in readme.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let line = line.trim().trim_start_matches("$ ");
        if !line.starts_with("cablegate ") {
            continue;
        }
        let (command, comment) = match line.find(" #") {
            Some(at) => (&line[..at], &line[at + 2..]),
            None => (line, ""),
        };
        // a pipe: each side that is a cablegate command counts
        for part in command.split(" | ").map(str::trim).filter(|p| p.starts_with("cablegate ")) {
            out.push((i + 1, part.to_owned(), comment.to_owned()));
        }
    }
    out
}

/// The subcommands a command names (`redact add` of `cablegate redact add …`), by name or
/// alias, and the rest of its words.
fn subcommand(words: &[String]) -> (clap::Command, Vec<String>, usize) {
    let mut cmd = Cli::command();
    let mut names = Vec::new();
    let mut at = 1;
    while let Some(w) = words.get(at) {
        let Some(sub) = cmd.find_subcommand(w).cloned() else { break };
        names.push(w.clone());
        cmd = sub;
        at += 1;
    }
    (cmd, names, at)
}

/// The long flags a command takes, its global ones too.
fn flags(cmd: &clap::Command) -> Vec<String> {
    let mut out: Vec<String> = cmd
        .get_arguments()
        .flat_map(|a| a.get_long_and_visible_aliases().unwrap_or_default())
        .map(|l| format!("--{l}"))
        .collect();
    out.extend(["--data", "--help", "--version"].map(str::to_owned));
    out
}

#[test]
fn every_readme_command_names_real_commands_and_flags() {
    let readme = include_str!("../README.md");
    let commands = readme_commands(readme);
    assert!(commands.len() >= 20, "the README's commands were found: {commands:?}");
    let mut wrong = Vec::new();
    for (line, command, comment) in &commands {
        let w = words(command);
        let (cmd, names, _) = subcommand(&w);
        if names.is_empty() {
            wrong.push(format!("README.md:{line}: `{command}` names no command of cablegate"));
            continue;
        }
        let known = flags(&cmd);
        // the flags of the command and of its comment (`# --ids FILE, --tag too`)
        for flag in w.iter().map(String::as_str).chain(comment.split(|c: char| c.is_whitespace() || c == ',')) {
            let flag = flag.trim_matches(|c: char| c == '[' || c == ']' || c == ',' || c == ';' || c == ')');
            let flag = flag.split('=').next().unwrap_or_default();
            if flag.starts_with("--") && flag.len() > 2 && !known.iter().any(|k| k == flag) {
                wrong.push(format!("README.md:{line}: `cablegate {}` has no flag {flag}", names.join(" ")));
            }
        }
        // an example, not a synopsis (`[--flag]`, `PATH…`, a placeholder such as `ID` or `DIR`):
        // it parses as it stands
        let placeholder = |w: &String| {
            w.starts_with(|c: char| c.is_ascii_uppercase())
                && w.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c == '.')
        };
        let synopsis = command.contains('[') || command.contains('…') || w.iter().any(placeholder);
        if !synopsis {
            if let Err(e) = <Cli as clap::Parser>::try_parse_from(&w) {
                wrong.push(format!("README.md:{line}: `{command}` does not parse: {}", e.kind()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_check_finds_a_flag_that_does_not_exist() {
    let readme =
        "```sh\ncablegate release --all   # from now; --ids FILE too\ncablegate nosuch\ncablegate export\n```\n";
    let commands = readme_commands(readme);
    assert_eq!(commands.len(), 3);
    let (cmd, names, _) = subcommand(&words(&commands[0].1));
    assert_eq!(names, ["release"]);
    assert!(flags(&cmd).contains(&"--ids-file".to_owned()));
    assert!(!flags(&cmd).contains(&"--ids".to_owned()));
    assert!(subcommand(&words(&commands[1].1)).1.is_empty());
    assert!(<Cli as clap::Parser>::try_parse_from(words(&commands[2].1)).is_err(), "export needs its DIR");
}

#[test]
fn words_split_as_a_shell_does() {
    assert_eq!(
        words(r#"cablegate redact add "Nadia Mellal" --note 'a b'"#),
        ["cablegate", "redact", "add", "Nadia Mellal", "--note", "a b"]
    );
}
