// ESLint on the addon's JavaScript (Odoo ES modules): rules that catch mistakes, no style rules
// (prettier formats the code). Kept free of imports so that it runs from pre-commit's own
// node environment, where no package is installed beside this file.
export default [
    {
        files: ["static/**/*.js"],
        languageOptions: {
            ecmaVersion: "latest",
            sourceType: "module",
            globals: {
                window: "readonly",
                document: "readonly",
                getComputedStyle: "readonly",
                DOMParser: "readonly",
                setInterval: "readonly",
                clearInterval: "readonly",
                luxon: "readonly", // Odoo's web client ships luxon as a global
            },
        },
        rules: {
            "no-const-assign": "error",
            "no-constant-condition": "error",
            "no-debugger": "error",
            "no-dupe-class-members": "error",
            "no-dupe-keys": "error",
            "no-duplicate-imports": "error",
            "no-redeclare": "error",
            "no-self-assign": "error",
            "no-undef": "error",
            "no-unreachable": "error",
            "no-unused-vars": "error",
            "no-var": "error",
            "prefer-const": "error",
            eqeqeq: ["error", "smart"],
        },
    },
];
