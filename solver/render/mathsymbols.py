"""The LaTeX names and characters that ``solver.render.unimath`` reads, and the Unicode each
stands for: symbols by the spacing they get, fonts, accents, spaces, and the sub- and
superscript forms of the characters that have one."""

from __future__ import annotations

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "varrho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
# Symbols by the spacing they get: ordinary, binary operator, relation, large operator.
ORDINARY = {
    "partial": "∂", "nabla": "∇", "infty": "∞", "ldots": "…", "cdots": "⋯", "dots": "…",
    "prime": "′", "top": "⊤", "ell": "ℓ", "emptyset": "∅", "forall": "∀", "exists": "∃",
    "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "%": "%", "_": "_", "#": "#", "&": "&",
    "$": "$", "|": "‖", "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|",
    "vert": "|", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "langle": "⟨", "rangle": "⟩", "lbrack": "[", "rbrack": "]",
}
BINARY = {
    "cdot": "·", "times": "×", "pm": "±", "mp": "∓", "odot": "⊙", "otimes": "⊗",
    "oplus": "⊕", "circ": "∘", "ast": "∗", "div": "÷", "setminus": "∖", "cup": "∪",
    "cap": "∩", "wedge": "∧", "vee": "∨",
}
RELATION = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "Leftrightarrow": "⇔", "mapsto": "↦", "gets": "←", "ll": "≪",
    "gg": "≫", "mid": "|", "coloneqq": "≔",
}
LARGE = {"sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "bigcup": "⋃", "bigcap": "⋂"}
FUNCTIONS = {
    "log", "ln", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan", "min", "max",
    "arg", "argmin", "argmax", "sup", "inf", "lim", "det", "dim", "ker", "deg", "gcd",
    "Pr", "softmax",
}
FONTS = {"mathrm", "text", "textrm", "textit", "mathit", "mathbf", "textbf", "mathsf",
         "mathtt", "texttt", "operatorname", "boldsymbol", "bm", "mbox", "textup"}
DOUBLE_STRUCK = {"E": "𝔼", "R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304",
           "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308",
           "vec": "\u20d7", "check": "\u030c", "breve": "\u0306"}
SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "quad": " ", "qquad": " ", "!": "",
          "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " "}
IGNORED = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
           "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "middle",
           "nonumber", "notag"}
DELIMITER_OPEN = set("([⌊⌈⟨{")
DELIMITER_CLOSE = set(")]⌋⌉⟩}")

SUBSCRIPT = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                     "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
SUPERSCRIPT = dict(zip(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδφχθ⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᵠᵡᶿᵀ",
    strict=True))
# Kept as they are in a superscript (x′, D*).
SUPERSCRIPT_AS_IS = set("′″‴*∗")
