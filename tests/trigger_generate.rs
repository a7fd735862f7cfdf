//! `generate_fql` round-trips: for ASTs in the well-formed subset, parse(generate(ast)) == ast,
//! and canonical text comes back unchanged.
#![allow(clippy::unwrap_used)]

use ampscope::engine::trigger::{
    self, Condition, Expected, Field, Fql, Group, GroupOp, Node, Operator,
};

fn cond(field: Field, op: Operator, value: Option<Expected>) -> Node {
    Node::Condition(Condition::new(field, op, value))
}

fn s(v: &str) -> Option<Expected> {
    Some(Expected::Str(v.into()))
}

fn n(v: f64) -> Option<Expected> {
    Some(Expected::Num(v))
}

#[test]
fn canonical_text_is_a_fixed_point() {
    for text in [
        "type = \"track\"",
        "type = \"track\" and event = \"Order Completed\"",
        "type = \"page\" or type = \"screen\"",
        "properties.product\\ 1.price >= 10 and match(event, \"Ord*\")",
        "context.app.version != 3 and userId != null and match(name, \"*Home\")",
        "type = \"identify\" and (event = \"A\" or event = \"B\")",
        "properties.flag = true and traits.vip = false and properties.x = null",
        "properties.price = 1.5 and properties.n != -3",
        "contains(userId, \"1001\") or !match(properties.email, \"*@segment.com\")",
        "properties.caf\\é = \"x\" and properties.a\\[0\\] = \"y\"",
        "event != \"Order Completed\" and properties.p < 99.99 and properties.q <= 0",
    ] {
        let fql = trigger::parse(text).unwrap();
        let generated = trigger::generate_fql(&fql).unwrap();
        assert_eq!(generated, text);
        let again = trigger::parse(&generated).unwrap();
        assert!(again.root.same_meaning(&fql.root), "{text}");
    }
}

#[test]
fn built_asts_round_trip() {
    let and = |children| Group {
        operator: GroupOp::And,
        children,
        span: 0..0,
    };
    let or = |children| Group {
        operator: GroupOp::Or,
        children,
        span: 0..0,
    };
    let asts = vec![
        and(vec![cond(Field::EventType, Operator::Eq, s("track"))]),
        and(vec![
            cond(Field::Property("a b.c-d_e".into()), Operator::Gt, n(100.0)),
            cond(
                Field::Trait("plan name".into()),
                Operator::Contains,
                s("pro"),
            ),
            cond(
                Field::Context("page.path".into()),
                Operator::StartsWith,
                s("/docs"),
            ),
        ]),
        or(vec![
            cond(Field::Event, Operator::EndsWith, s("Completed")),
            cond(Field::Name, Operator::NotExists, None),
            Node::Group(and(vec![
                cond(Field::UserId, Operator::Exists, None),
                cond(
                    Field::Property("n".into()),
                    Operator::NumberNotEquals,
                    n(0.25),
                ),
            ])),
        ]),
        and(vec![
            cond(Field::Property("t".into()), Operator::IsTrue, None),
            cond(Field::Property("f".into()), Operator::IsFalse, None),
            cond(Field::Property("e".into()), Operator::NumberEquals, n(-7.0)),
            cond(Field::Event, Operator::NotStartsWith, s("Test")),
            cond(Field::Event, Operator::NotEndsWith, s("(internal)")),
            cond(Field::Event, Operator::NotContains, s("x, y")),
            cond(Field::UserId, Operator::Ne, s("anon")),
        ]),
    ];
    for ast in asts {
        let fql = Fql::from_group(ast.clone());
        let text = trigger::generate_fql(&fql).unwrap();
        let back = trigger::parse(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(
            back.root.same_meaning(&ast),
            "{text}\n{}\n{}",
            back.to_reference_json(),
            ast.to_reference_json()
        );
    }
}

#[test]
fn outer_parentheses_are_kept_when_there_are_more_than_two() {
    // §9.3: OR(AND(type = "track", event not_contains "X")).
    let ast = Group {
        operator: GroupOp::Or,
        children: vec![Node::Group(Group {
            operator: GroupOp::And,
            children: vec![
                cond(Field::EventType, Operator::Eq, s("track")),
                cond(Field::Event, Operator::NotContains, s("X")),
            ],
            span: 0..0,
        })],
        span: 0..0,
    };
    let text = trigger::generate_group(&ast).unwrap();
    assert_eq!(text, "(type = \"track\" and !contains(event, \"X\"))");
}

#[test]
fn values_with_double_quotes_do_not_round_trip_as_in_the_reference() {
    let ast = Group {
        operator: GroupOp::And,
        children: vec![cond(Field::Trait("a\"b".into()), Operator::Eq, s("x\"y"))],
        span: 0..0,
    };
    let text = trigger::generate_group(&ast).unwrap();
    assert_eq!(text, "traits.a\\\"b = \"x\"y\"");
    let back = trigger::parse(&text);
    assert!(back.map_or(true, |b| !b.root.same_meaning(&ast)));
}
