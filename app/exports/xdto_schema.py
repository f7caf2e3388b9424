"""1C XDTO packages turned into XML Schema, to validate what we send to 1C (SPEC §2.2).

1C publishes EnterpriseData as XDTO packages (`<package xmlns="http://v8.1c.ru/8.1/xdto">`),
not as XSD. The mapping is the one 1C's own `XDTOFactory.ExportXMLSchema` uses:

* objectType → complexType; its properties → elements in a sequence (`ordered="false"`:
  any order — xs:all, or a repeated choice when a property repeats); `base` → extension;
* property → element, `lowerBound`/`upperBound` → minOccurs/maxOccurs (defaults 1, -1 =
  unbounded), `nillable`, a `typeDef` inside → an anonymous type;
* valueType → simpleType: a restriction of its base with the facets (length, min/maxLength,
  totalDigits, fractionDigits, pattern, enumeration), or a union of `memberTypes`.

The package defines types only, so global elements are added for the object types a message
carries, and a `Body` (any of them, any number) and the `Message` envelope. Only the types
reachable from those object types are converted. Open types (`open="true"`, which 1C lets
carry extra properties) are converted closed: our export must not send what 1C does not know.
"""
import functools
from pathlib import Path

from lxml import etree

XDTO = "http://v8.1c.ru/8.1/xdto"
XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MSG = "http://www.1c.ru/SSL/Exchange/Message"
ED = "http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.19"
SPECS = Path(__file__).resolve().parent / "enterprise_data_1_19"  # copied from 1C (see its README)
PACKAGES = ("EnterpriseData_1_19_1.xdto-package.xml", "ExchangeMessage.xdto-package.xml")
FACETS = ("length", "minLength", "maxLength", "totalDigits", "fractionDigits")

# The object types a message of ours carries (app.exports.enterprise_data writes them).
OBJECT_TYPES = (
    "Справочник.Организации", "Справочник.Контрагенты", "Справочник.БанковскиеСчета", "Справочник.Договоры",
    "Справочник.Номенклатура", "Документ.СчетПокупателю", "Документ.РеализацияТоваровУслуг",
    "Документ.СчетФактураВыданный", "УдалениеОбъекта",
)


def _x(tag):
    return f"{{{XDTO}}}{tag}"


class Package:
    """The types of one or more XDTO packages, by qualified name {namespace}name."""

    def __init__(self, sources):
        self.types = {}
        for source in sources:
            root = etree.parse(str(source)).getroot()
            namespace = root.get("targetNamespace")
            for node in root:
                if node.tag in (_x("valueType"), _x("objectType")):
                    self.types[f"{{{namespace}}}{node.get('name')}"] = node

    @staticmethod
    def qname(node, value):
        """A type reference as written in the package ("d3p1:Name", "xs:string", "{ns}Name")."""
        if value.startswith("{"):
            return value
        prefix, _, name = value.rpartition(":")
        return f"{{{node.nsmap[prefix or None]}}}{name}"

    def references(self, node):
        """The qualified names of the types a type (or an anonymous typeDef) refers to."""
        for attribute in ("base", "type"):
            if node.get(attribute):
                yield self.qname(node, node.get(attribute))
        for member in (node.get("memberTypes") or "").split():
            yield self.qname(node, member)
        for child in node:
            if child.tag in (_x("property"), _x("typeDef")):
                yield from self.references(child)

    def closure(self, roots):
        """The package types reachable from `roots` (qualified names), in a stable order."""
        seen, stack = {}, list(roots)
        while stack:
            name = stack.pop()
            if name in seen or name not in self.types:
                continue
            seen[name] = self.types[name]
            stack.extend(self.references(self.types[name]))
        return dict(sorted(seen.items()))


class _Writer:
    """Writes the XSD of one namespace (prefixes: xs, msg, ed)."""

    PREFIXES = {XS: "xs", MSG: "msg", ED: "ed"}

    def __init__(self, package, namespace):
        self.package, self.namespace = package, namespace
        nsmap = {prefix: uri for uri, prefix in self.PREFIXES.items()}
        attributes = {"elementFormDefault": "qualified"}
        if namespace:
            attributes["targetNamespace"] = namespace
        self.root = etree.Element(f"{{{XS}}}schema", attributes, nsmap=nsmap)

    def ref(self, node, value):
        name = self.package.qname(node, value)
        namespace, local = name[1:].split("}", 1)
        return f"{self.PREFIXES[namespace]}:{local}"

    def element(self, parent, tag, **attributes):
        return etree.SubElement(parent, f"{{{XS}}}{tag}", {k: v for k, v in attributes.items() if v is not None})

    def value_type(self, parent, node, name=None):
        simple = self.element(parent, "simpleType", name=name)
        if node.get("variety") == "Union":
            self.element(simple, "union", memberTypes=" ".join(self.ref(node, m) for m in node.get("memberTypes").split()))
            return simple
        restriction = self.element(simple, "restriction", base=self.ref(node, node.get("base") or "xs:anySimpleType"))
        for facet in FACETS:
            if node.get(facet) is not None:
                self.element(restriction, facet, value=node.get(facet))
        for child in node:
            if child.tag in (_x("pattern"), _x("enumeration")):
                self.element(restriction, etree.QName(child).localname, value=child.text or "")
        return simple

    def object_type(self, parent, node, name=None):
        complex_type = self.element(parent, "complexType", name=name)
        holder = complex_type
        if node.get("base"):
            content = self.element(complex_type, "complexContent")
            holder = self.element(content, "extension", base=self.ref(node, node.get("base")))
        properties = [child for child in node if child.tag == _x("property")]
        if not properties:
            return complex_type
        repeats = any(p.get("upperBound", "1") != "1" for p in properties)
        if node.get("ordered") == "false":
            group = self.element(holder, "choice", minOccurs="0", maxOccurs="unbounded") if repeats else self.element(holder, "all")
        else:
            group = self.element(holder, "sequence")
        for prop in properties:
            self.property(group, prop, loose=group.tag == f"{{{XS}}}choice")
        return complex_type

    def property(self, parent, prop, loose=False):
        upper = prop.get("upperBound", "1")
        element = self.element(
            parent, "element", name=prop.get("name"),
            minOccurs=None if loose else (prop.get("lowerBound") if prop.get("lowerBound", "1") != "1" else None),
            maxOccurs=None if loose else ("unbounded" if upper == "-1" else (upper if upper != "1" else None)),
            nillable="true" if prop.get("nillable") == "true" else None,
        )
        type_def = prop.find(_x("typeDef"))
        if type_def is not None:
            kind = type_def.get(f"{{{XSI}}}type")
            (self.object_type if kind == "ObjectType" else self.value_type)(element, type_def)
        else:
            element.set("type", self.ref(prop, prop.get("type") or "xs:anyType"))


def schema_documents(package_dir=SPECS, object_types=OBJECT_TYPES):
    """{file name: XSD bytes} for the ED and Message namespaces and the envelope."""
    package = Package([Path(package_dir) / name for name in PACKAGES])
    roots = [f"{{{ED}}}{name}" for name in object_types] + [f"{{{MSG}}}Header"]
    missing = [name for name in roots if name not in package.types]
    if missing:
        raise KeyError(f"no such types in the package: {', '.join(missing)}")
    writers = {ED: _Writer(package, ED), MSG: _Writer(package, MSG)}
    etree.SubElement(writers[ED].root, f"{{{XS}}}import", namespace=MSG, schemaLocation="msg.xsd")
    for name, node in package.closure(roots).items():
        namespace, local = name[1:].split("}", 1)
        writer = writers[namespace]
        (writer.object_type if node.tag == _x("objectType") else writer.value_type)(writer.root, node, name=local)
    ed = writers[ED]
    for name in object_types:
        ed.element(ed.root, "element", name=name, type=f"ed:{name}")
    body = ed.element(ed.element(ed.root, "element", name="Body"), "complexType")
    choice = ed.element(body, "choice", minOccurs="0", maxOccurs="unbounded")
    for name in object_types:
        ed.element(choice, "element", ref=f"ed:{name}")
    msg = writers[MSG]
    msg.element(msg.root, "element", name="Header", type="msg:Header")
    envelope = _Writer(package, None)
    for namespace, location in ((MSG, "msg.xsd"), (ED, "ed.xsd")):
        etree.SubElement(envelope.root, f"{{{XS}}}import", namespace=namespace, schemaLocation=location)
    sequence = envelope.element(envelope.element(envelope.element(envelope.root, "element", name="Message"), "complexType"),
                                "sequence")
    envelope.element(sequence, "element", ref="msg:Header")
    envelope.element(sequence, "element", ref="ed:Body")
    return {name: etree.tostring(writer.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
            for name, writer in (("message.xsd", envelope), ("msg.xsd", msg), ("ed.xsd", ed))}


class _Resolver(etree.Resolver):
    def __init__(self, documents):
        super().__init__()
        self.documents = documents

    def resolve(self, url, public_id, context):
        name = url.rsplit("/", 1)[-1]
        if name in self.documents:
            return self.resolve_string(self.documents[name], context)
        return None


def xml_schema(documents):
    """An lxml XMLSchema of the envelope from `schema_documents()`' output."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Resolver(documents))
    root = etree.fromstring(documents["message.xsd"], parser, base_url="arenda:/message.xsd")
    return etree.XMLSchema(root)


@functools.lru_cache(maxsize=1)
def enterprise_data_schema():
    """The EnterpriseData 1.19 message schema (built once per process)."""
    return xml_schema(schema_documents())


def problems(data, schema=None):
    """What is wrong with an EnterpriseData message (bytes) against the schema: [] when valid."""
    schema = schema or enterprise_data_schema()
    document = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True))
    if schema.validate(document):
        return []
    return [f"строка {error.line}: {error.message}" for error in schema.error_log]
